package dev.ferry.validation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Sandbox validation: {@code ferry.validation.*}. */
@ConfigMapping(prefix = "ferry.validation")
public interface ValidationConfig {

    /** Where exports and diff reports go, one folder per requestId. */
    @WithDefault("target/ferry-artifacts")
    String artifactsDir();

    /** Differing rows listed per table in the result (all of them are in the artifacts). */
    @WithDefault("10")
    int maxDifferences();
}
