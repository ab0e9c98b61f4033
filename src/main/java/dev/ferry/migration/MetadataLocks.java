package dev.ferry.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.ferry.Identifiers;

/** Who holds the metadata locks a statement waits for, and the history row of a script that did not run. */
final class MetadataLocks {

    private MetadataLocks() {
    }

    /**
     * Who blocks a statement on {@code table}, as the server shows it. With MariaDB's
     * {@code metadata_lock_info} plugin: the sessions holding a metadata lock on that very table.
     * Otherwise the sessions with an open transaction (the usual holders), oldest first: id, user,
     * and how long their transaction has been open.
     */
    static List<String> blockers(Connection c, String table) {
        if (table != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT m.THREAD_ID, p.USER, p.TIME, m.LOCK_MODE"
                    + " FROM information_schema.METADATA_LOCK_INFO m JOIN information_schema.PROCESSLIST p ON p.ID = m.THREAD_ID"
                    + " WHERE m.TABLE_SCHEMA = DATABASE() AND m.TABLE_NAME = ? AND m.THREAD_ID <> CONNECTION_ID() LIMIT 5")) {
                ps.setString(1, table);
                List<String> holders = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        holders.add("session " + rs.getLong(1) + " (" + rs.getString(2) + ", holds " + rs.getString(4) + " on " + table
                                + ", " + rs.getLong(3) + " s in its current state)");
                    }
                }
                if (!holders.isEmpty()) {
                    return holders;
                }
            } catch (SQLException e) {
                // no metadata_lock_info plugin: fall back to open transactions
            }
        }
        List<String> blockers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.ID, p.USER, TIMESTAMPDIFF(SECOND, t.trx_started, NOW())"
                + " FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
                + " WHERE p.ID <> CONNECTION_ID() ORDER BY t.trx_started LIMIT 5");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                blockers.add("session " + rs.getLong(1) + " (" + rs.getString(2) + ", " + rs.getLong(3) + " s in a transaction)");
            }
        } catch (SQLException e) {
            blockers.add("unknown (" + e.getMessage() + ")");
        }
        return blockers;
    }

    /** Forgets the failed history row of a script none of whose statements ran. */
    static void forgetFailed(Connection c, String historyTable, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Identifiers.quote(historyTable) + " WHERE version = ? AND success = 0")) {
            ps.setString(1, version);
            ps.executeUpdate();
        }
    }
}
