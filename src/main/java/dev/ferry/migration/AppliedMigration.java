package dev.ferry.migration;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One script as the target's history knows it (what {@code migration:show} shows). */
@RegisterForReflection
public record AppliedMigration(
        String version,
        String description,
        String script,
        String type,
        String state,
        Instant installedOn,
        Integer executionMs) {
}
