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
     * The sessions with an open transaction (the usual holders of a metadata lock), oldest first, as
     * the server shows them: id, user, and how long their transaction has been open.
     */
    static List<String> blockers(Connection c) {
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
