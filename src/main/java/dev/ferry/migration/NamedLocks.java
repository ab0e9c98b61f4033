package dev.ferry.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * MySQL/MariaDB named locks ({@code GET_LOCK}), held by the session of one connection. Ferry uses
 * them per target change, per validation sandbox and per retention run.
 */
public final class NamedLocks {

    private NamedLocks() {
    }

    /** Takes the lock within {@code timeoutSeconds} (0: only if free now); true if this session holds it. */
    public static boolean tryLock(Connection connection, String name, long timeoutSeconds) throws SQLException {
        try (PreparedStatement get = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            get.setString(1, name);
            get.setLong(2, timeoutSeconds);
            try (ResultSet rs = get.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    /** Whether no session holds the lock (its holder ended, for instance with a crash). */
    public static boolean isFree(Connection connection, String name) throws SQLException {
        try (PreparedStatement free = connection.prepareStatement("SELECT IS_FREE_LOCK(?)")) {
            free.setString(1, name);
            try (ResultSet rs = free.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    /** Releases the lock; a failure is harmless, as the lock ends with the session anyway. */
    public static void release(Connection connection, String name) {
        try (PreparedStatement release = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            release.setString(1, name);
            release.execute();
        } catch (SQLException e) {
            // the session's end releases it
        }
    }
}
