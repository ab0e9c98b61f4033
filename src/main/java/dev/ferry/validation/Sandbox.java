package dev.ferry.validation;

import dev.ferry.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.jboss.logging.Logger;

import dev.ferry.migration.NamedLocks;

/**
 * A scratch schema on the target's server, named {@code ferry_sbx_<target>_<random>} so concurrent
 * runs never collide. Its lock ({@code GET_LOCK('ferry:<name>')}) is held while it is in use: a
 * sandbox whose lock is free was left behind by a crash and may be dropped.
 */
final class Sandbox implements AutoCloseable {

    static final String PREFIX = "ferry_sbx_";
    private static final Logger LOG = Logger.getLogger(Sandbox.class);

    private final Connection connection;
    private final String name;

    private Sandbox(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    /** Creates the schema over {@code connection}, which stays open (and keeps the lock) until close. */
    static Sandbox create(Connection connection, String target) throws SQLException {
        String name = PREFIX + target.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        NamedLocks.tryLock(connection, lockName(name), 0);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE DATABASE " + Identifiers.quote(name));
        }
        return new Sandbox(connection, name);
    }

    String name() {
        return name;
    }

    static String lockName(String sandbox) {
        return "ferry:" + sandbox;
    }

    static void drop(Connection connection, String sandbox) {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(sandbox));
        } catch (SQLException e) {
            LOG.warnf("Could not drop sandbox %s: %s (it is dropped at the next start)", sandbox, e.getMessage());
        }
    }

    @Override
    public void close() {
        drop(connection, name);
        NamedLocks.release(connection, lockName(name));
    }
}
