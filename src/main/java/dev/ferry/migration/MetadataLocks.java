package dev.ferry.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;

import dev.ferry.Identifiers;

/**
 * DDL that could not get its table's metadata lock within {@code lock_wait_timeout}: which script,
 * which statement, on which table, whether it was the script's first statement (then nothing of the
 * script ran and it can simply be tried again), and who holds the lock.
 */
final class MetadataLocks {

    /** ER_LOCK_WAIT_TIMEOUT: also what a metadata-lock wait past lock_wait_timeout raises. */
    private static final int LOCK_WAIT_TIMEOUT = 1205;
    private static final Pattern TABLE = Pattern.compile("(?is)^\\s*(?:ALTER\\s+(?:ONLINE\\s+|IGNORE\\s+)?TABLE|CREATE\\s+(?:UNIQUE\\s+|FULLTEXT\\s+"
            + "|SPATIAL\\s+)?INDEX\\s+\\S+\\s+ON|DROP\\s+TABLE(?:\\s+IF\\s+EXISTS)?|RENAME\\s+TABLE|TRUNCATE(?:\\s+TABLE)?|DROP\\s+INDEX\\s+\\S+\\s+ON)"
            + "\\s+`?([A-Za-z0-9_$]+)`?");

    private MetadataLocks() {
    }

    /** A statement that waited too long for a metadata lock. */
    record LockWait(String script, String version, String statement, int line, boolean first, String table) {
    }

    static Optional<LockWait> of(FlywayMigrateException e, ScriptCatalog.Index scripts) {
        FlywaySqlScriptException failed = null;
        boolean lockWait = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FlywaySqlScriptException s) {
                failed = s;
            }
            if (t instanceof SQLException sql && sql.getErrorCode() == LOCK_WAIT_TIMEOUT) {
                lockWait = true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (!lockWait || failed == null || e.getMigration() == null) {
            return Optional.empty();
        }
        String script = e.getMigration().getScript();
        String statement = failed.getStatement() == null ? "" : failed.getStatement();
        boolean first = scripts.read(script).map(text -> SqlStatements.split(text.text())).filter(all -> !all.isEmpty())
                .map(all -> normal(all.get(0).sql()).equals(normal(statement))).orElse(false);
        Matcher table = TABLE.matcher(SqlStatements.withoutComments(statement));
        return Optional.of(new LockWait(script, FlywayResults.version(e.getMigration()), statement.strip(), failed.getLineNumber(), first,
                table.find() ? table.group(1) : null));
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

    private static String normal(String sql) {
        return SqlStatements.withoutComments(sql).replaceAll("\\s+", " ").replaceAll(";\\s*$", "").trim();
    }
}
