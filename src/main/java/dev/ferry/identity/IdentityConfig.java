package dev.ferry.identity;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Who may send requests over Kafka: {@code ferry.identity.*}. */
@ConfigMapping(prefix = "ferry.identity")
public interface IdentityConfig {

    /**
     * Every record on the requests topic must carry an operator's bearer token (header
     * {@code authorization}); without one it is REJECTED / UNAUTHENTICATED. Turning this off
     * trusts anything that can write to the topic.
     */
    @WithDefault("true")
    boolean recordTokens();

    /**
     * A record's token must have been valid when the record was written (its timestamp), give or take
     * this much: a record read late, or again after a crash, is still honoured.
     */
    @WithDefault("60s")
    Duration recordTokenLeeway();
}
