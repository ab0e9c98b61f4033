package dev.ferry.backfill;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Kratos admin API the user-authId backfill looks identities up in: {@code ferry.kratos.*}. */
@ConfigMapping(prefix = "ferry.kratos")
public interface KratosConfig {

    /** Base URL of the admin API, e.g. {@code http://kratos-admin:4434}. */
    Optional<String> adminUrl();

    /**
     * A JSON file of identities (the admin API's format) answered instead of a Kratos:
     * {@code classpath:} or a path. Takes precedence over {@code admin-url}.
     */
    Optional<String> fixture();

    /** Bearer token (Ory Network); from the environment or a Secret, never from the repository. */
    Optional<String> token();

    /** Time allowed for one lookup. */
    @WithDefault("5s")
    Duration timeout();

    /** Lookups in flight at once, unless a request's {@code options.concurrency} asks for fewer. */
    @WithDefault("16")
    int concurrency();

    /** Attempts per lookup for timeouts, 429 and 5xx before the user is recorded as failed/error. */
    @WithDefault("4")
    int maxAttempts();

    /** First retry delay; doubles per attempt up to {@code max-backoff}. A 429's Retry-After wins. */
    @WithDefault("200ms")
    Duration initialBackoff();

    @WithDefault("5s")
    Duration maxBackoff();

    /** Lookups per second across the whole run; 0 means no limit. */
    @WithDefault("0")
    double rateLimit();
}
