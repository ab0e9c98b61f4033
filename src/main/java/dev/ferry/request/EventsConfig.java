package dev.ferry.request;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Server-sent event streams of requests: {@code ferry.events.*}. */
@ConfigMapping(prefix = "ferry.events")
public interface EventsConfig {

    /** Streams open at once on this instance, for everyone. */
    @WithDefault("100")
    int maxStreams();

    /** Streams one caller (token subject) may hold open at once. */
    @WithDefault("5")
    int maxStreamsPerCaller();

    /**
     * How long opening a stream waits for its request to reach the ledger (a pipeline opens it right
     * after POST /api/requests) before answering 404.
     */
    @WithDefault("5s")
    Duration waitForRequest();

    /** The longest a stream stays open, whatever its request does. */
    @WithDefault("2h")
    Duration maxDuration();
}
