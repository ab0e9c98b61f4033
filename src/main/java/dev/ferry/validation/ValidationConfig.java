package dev.ferry.validation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Sandbox validation: {@code ferry.validation.*}. */
@ConfigMapping(prefix = "ferry.validation")
public interface ValidationConfig {

    /** Where exports and diff reports go, one folder per requestId. */
    @WithDefault("target/ferry-artifacts")
    String artifactsDir();

    /**
     * How long a request's artifacts are kept. They hold whole tables (emails included), so they are
     * deleted after this, hourly; {@code 0s} keeps them for ever.
     */
    @WithDefault("7d")
    java.time.Duration artifactsRetention();

    /** Differing rows listed per table in the result (all of them are in the artifacts). */
    @WithDefault("10")
    int maxDifferences();
}
