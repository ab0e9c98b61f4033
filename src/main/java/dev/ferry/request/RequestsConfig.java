package dev.ferry.request;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Request processing: {@code ferry.requests.*}. */
@ConfigMapping(prefix = "ferry.requests")
public interface RequestsConfig {

    /** Name of this instance in the ledger and in results; defaults to the host name. */
    Optional<String> instance();

    /** Requests processed in parallel, each on a different target (a target's requests run one at a time, in order). */
    @WithDefault("4")
    int workers();

    /** How often a running request refreshes its heartbeat in the ledger. */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /** A RUNNING request whose heartbeat is older than this belongs to a dead instance. */
    @WithDefault("30s")
    Duration staleAfter();

    /**
     * How long publishing a result or an alert may wait for the broker's acknowledgement before it
     * is sent again. Keep it above the producer's {@code delivery.timeout.ms} (20 s), so that an
     * event still in flight is never sent a second time.
     */
    @WithDefault("30s")
    Duration publishTimeout();

    /**
     * How long a ledger or broker step is tried again while the failure is transient (connection,
     * timeout, broker not available). Past it the record stays unacknowledged, to be delivered again,
     * and readiness reports its partition as stalled.
     */
    @WithDefault("30m")
    Duration transientRetryFor();

    /** Readiness fails while a record has waited longer than this for its acknowledgement with nothing running on its partition. */
    @WithDefault("5m")
    Duration stallAfter();
}
