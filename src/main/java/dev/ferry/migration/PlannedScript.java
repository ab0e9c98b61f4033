package dev.ferry.migration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A script a dry run would execute, in order, with the SQL it contains and, for a migrate, the
 * algorithm each of its table changes would use.
 */
@RegisterForReflection
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record PlannedScript(String version, String description, String script, String sql, java.util.List<PlannedStatement> tableChanges) {

    public PlannedScript(String version, String description, String script, String sql) {
        this(version, description, script, sql, null);
    }
}
