package dev.ferry.migration;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One script as the target's history knows it (what {@code migration:show} shows);
 * {@code checksum} is Flyway's; {@code checksumChanged} is true when the script was edited after it was applied;
 * {@code statements} are the statements of it that ran during this request.
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
        Boolean checksumChanged,
        java.util.List<StatementRun> statements) {

    public AppliedMigration(String version, String description, String script, String type, String state, Instant installedOn,
            Integer executionMs, Integer checksum, Boolean checksumChanged) {
        this(version, description, script, type, state, installedOn, executionMs, checksum, checksumChanged, null);
    }

    /** The same, listing the statements that ran (none listed when the list is empty). */
    AppliedMigration withStatements(java.util.List<StatementRun> ran) {
        return new AppliedMigration(version, description, script, type, state, installedOn, executionMs, checksum, checksumChanged,
                ran.isEmpty() ? null : java.util.List.copyOf(ran));
    }
}
