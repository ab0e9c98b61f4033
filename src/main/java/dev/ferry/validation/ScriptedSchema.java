package dev.ferry.validation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.jboss.logging.Logger;

import dev.ferry.migration.FlywayResults;
import dev.ferry.migration.TargetDatabase;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * The schema a target's scripts produce on an empty schema, up to a version: built in a sandbox on the
 * target's server (so with the same server version and defaults), read, and dropped. What
 * {@code generate} diffs against a reference, and what drift compares the live schema with.
 */
public final class ScriptedSchema {

    private static final Logger LOG = Logger.getLogger(ScriptedSchema.class);

    private ScriptedSchema() {
    }

    /**
     * The schema the scripts up to {@code version} (all, when empty) produce, without CREATE statements; an empty
     * snapshot when {@code version} is "none".
     */
    public static SchemaSnapshot of(TargetDatabase target, Optional<String> version) {
        try (Connection connection = target.connection()) {
            return of(target, version, connection, false);
        } catch (SQLException e) {
            LOG.warnf(e, "Building the scripted schema of %s lost the target", target.name());
            throw FerryException.targetUnavailable("Lost the target while building the schema its scripts produce", e);
        }
    }

    /** {@code createStatements}: whether the snapshot keeps each table's CREATE statement (generate needs them). */
    static SchemaSnapshot of(TargetDatabase target, Optional<String> version, Connection connection, boolean createStatements)
            throws SQLException {
        if (version.isPresent() && version.get().equals("none")) {
            return new SchemaSnapshot("none", new TreeMap<>());
        }
        try (Sandbox sandbox = Sandbox.create(connection, target.name())) {
            try {
                target.flywayOnSchema(sandbox.name(), version).migrate();
            } catch (FlywayMigrateException e) {
                // Flyway's report carries the SQL and file paths: those go to the log, the caller gets the script and the server's words.
                LOG.warnf(e, "The scripts of %s do not apply to an empty schema", target.name());
                String script = e.getMigration() == null ? null : e.getMigration().getScript();
                throw new FerryException(ErrorCode.MIGRATION_FAILED, (script == null ? "A script" : script)
                        + " does not apply to an empty schema: " + FlywayResults.serverMessage(e), script, Map.of(), null);
            } catch (FlywayException e) {
                LOG.warnf(e, "The scripts of %s do not apply to an empty schema", target.name());
                throw new FerryException(ErrorCode.MIGRATION_FAILED, "The scripts do not apply to an empty schema (the log has Flyway's"
                        + " report)");
            }
            return SchemaSnapshot.read(connection, sandbox.name(), target.config().historyTable(), createStatements);
        }
    }
}
