package dev.ferry.validation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import dev.ferry.migration.ScriptReplay;
import dev.ferry.migration.TargetDatabase;
import dev.ferry.problem.FerryException;
import io.smallrye.mutiny.infrastructure.Infrastructure;

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
     * snapshot when {@code version} is "none". The sandbox is dropped after the answer is returned: dropping
     * hundreds of tables costs as much as reading them, and nobody waits for it (a sandbox a crash leaves behind
     * is dropped at the next start).
     */
    public static SchemaSnapshot of(TargetDatabase target, Optional<String> version) {
        if (version.isPresent() && version.get().equals("none")) {
            return new SchemaSnapshot("none", new TreeMap<>());
        }
        Connection connection = target.connection();
        Sandbox sandbox = null;
        try {
            sandbox = Sandbox.create(connection, target.name());
            return build(target, version, connection, sandbox, false);
        } catch (SQLException e) {
            LOG.warnf(e, "Building the scripted schema of %s lost the target", target.name());
            throw FerryException.targetUnavailable("Lost the target while building the schema its scripts produce", e);
        } finally {
            Sandbox built = sandbox;
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try (connection) {
                    if (built != null) {
                        built.close();
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.warnf("Releasing a scratch schema of %s failed: %s (it is dropped at the next start)", target.name(), e.getMessage());
                }
            });
        }
    }

    /**
     * Every script's schema with each table's CREATE statement (what {@code generate} diffs against a
     * reference), in a sandbox over the caller's connection that is dropped before this returns.
     */
    public static SchemaSnapshot withCreateStatements(TargetDatabase target, Connection connection) throws SQLException {
        try (Sandbox sandbox = Sandbox.create(connection, target.name())) {
            return build(target, Optional.empty(), connection, sandbox, true);
        }
    }

    private static SchemaSnapshot build(TargetDatabase target, Optional<String> version, Connection connection, Sandbox sandbox,
            boolean createStatements) throws SQLException {
        ScriptReplay.onto(target, sandbox.name(), version);
        return SchemaSnapshot.read(connection, sandbox.name(), target.config().historyTable(), createStatements);
    }
}
