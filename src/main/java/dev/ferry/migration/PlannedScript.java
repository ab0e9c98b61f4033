package dev.ferry.migration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A script a dry run would execute, in order, with the SQL it contains. */
@RegisterForReflection
public record PlannedScript(String version, String description, String script, String sql) {
}
