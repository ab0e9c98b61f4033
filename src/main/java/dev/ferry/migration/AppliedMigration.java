package dev.ferry.migration;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One script as the target's history knows it (what {@code migration:show} shows);
 * {@code checksum} is Flyway's; {@code checksumChanged} is true when the script was edited after it was applied.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppliedMigration(
        String version,
        String description,
        String script,
        String type,
        String state,
        Instant installedOn,
        Integer executionMs,
        Integer checksum,
        Boolean checksumChanged) {
}
