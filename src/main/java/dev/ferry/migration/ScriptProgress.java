package dev.ferry.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * The statements of target scripts that have run, in Ferry's own schema ({@code ferry_statement_progress}):
 * one row per statement, written as soon as it ends, and removed once the target's history records the
 * version as applied.
 */
@ApplicationScoped
public class ScriptProgress {

    private final DataSource dataSource;

    public ScriptProgress(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The journal of one target as its history stands ({@code info}): what is recorded is read once,
     * then kept up to date. Records made under another history are not this target's story and are left out.
     */
    Journal journal(String target, MigrationInfoService info) {
        String mark = mark(info);
        Map<String, List<StatementRun>> done = new LinkedHashMap<>();
        Map<String, StatementJournal.InFlight> started = new LinkedHashMap<>();
        read(target, mark, done, started);
        return new Journal(target, done, started);
    }

    /**
     * The target's last successful history row (rank and time), or "none": what a version's statements
     * are recorded under ({@link #startOf} as its script starts), and what a later
     * change must see again to trust them.
     */
    static String mark(MigrationInfoService info) {
        MigrationInfo last = null;
        for (MigrationInfo m : info.applied()) {
            if (!m.getState().isFailed() && m.getInstalledRank() != null && (last == null || m.getInstalledRank() > last.getInstalledRank())) {
                last = m;
            }
        }
        return last == null ? "none" : last.getInstalledRank() + "@" + (last.getInstalledOn() == null ? 0 : last.getInstalledOn().getTime());
    }

    /** The target session a script runs on, and {@link #mark(MigrationInfoService)} as the script starts. */
    record ScriptStart(long session, String mark) {
    }

    /** {@link ScriptStart}, read in one round trip from the session and the history table itself. */
    static ScriptStart startOf(Connection target, String historyTable) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT CONNECTION_ID(), h.installed_rank, h.installed_on FROM (SELECT 1) one"
                + " LEFT JOIN (SELECT installed_rank, installed_on FROM " + dev.ferry.Identifiers.quote(historyTable)
                + " WHERE success = 1 ORDER BY installed_rank DESC LIMIT 1) h ON TRUE");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            Timestamp on = rs.getTimestamp(3);
            return new ScriptStart(rs.getLong(1), rs.getObject(2) == null ? "none" : rs.getInt(2) + "@" + (on == null ? 0 : on.getTime()));
        }
    }

    /** One row of the journal: a statement of a script under a history mark, STARTED on a session, or DONE. */
    private record Row(String version, String script, StatementRun statement, String mark, String state, Long session) {
    }

    /**
     * One change's view of a target's statements; its runs are also kept for the result. A statement's
     * STARTED row is written, on the journal's own connection, before the statement runs, in the same
     * write as the DONE row of the statement before it: one commit per statement. The DONE row of a
     * script's last statement goes with the next script's first STARTED row, or when the change ends;
     * if Ferry stops in between, the statement counts as the one that was running (see InFlightStatements).
     */
    final class Journal implements StatementJournal, AutoCloseable {
        private final String target;
        private final Map<String, List<StatementRun>> recorded;
        private final Map<String, StatementJournal.InFlight> started;
        private final Map<String, List<StatementRun>> ranNow = new LinkedHashMap<>();
        private Connection writes;
        private Row done;

        private Journal(String target, Map<String, List<StatementRun>> recorded, Map<String, StatementJournal.InFlight> started) {
            this.target = target;
            this.recorded = recorded;
            this.started = started;
        }

        @Override
        public synchronized List<StatementRun> applied(String version) {
            return List.copyOf(recorded.getOrDefault(version, List.of()));
        }

        @Override
        public synchronized java.util.Optional<StatementJournal.InFlight> inFlight(String version) {
            return java.util.Optional.ofNullable(started.get(version));
        }

        @Override
        public synchronized void starting(String version, String script, StatementRun statement, long session, String scriptMark) {
            Row starting = new Row(version, script, statement, scriptMark, "STARTED", session);
            write(done == null ? List.of(starting) : List.of(done, starting));
            done = null;
        }

        @Override
        public synchronized void record(String version, String script, StatementRun statement, String scriptMark) {
            done = new Row(version, script, statement, scriptMark, "DONE", null);
            recorded.computeIfAbsent(version, v -> new ArrayList<>()).add(statement);
            ranNow.computeIfAbsent(version, v -> new ArrayList<>()).add(statement);
            started.remove(version);
        }

        @Override
        public synchronized void refused(String version, int index) {
            try (PreparedStatement ps = connection().prepareStatement("DELETE FROM ferry_statement_progress WHERE target = ?"
                    + " AND version = ? AND statement_index = ? AND state = 'STARTED'")) {
                ps.setString(1, target);
                ps.setString(2, version);
                ps.setInt(3, index);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw unavailable(e);
            }
            started.remove(version);
        }

        private void write(List<Row> rows) {
            try {
                ScriptProgress.write(connection(), target, rows);
            } catch (SQLException e) {
                throw unavailable(e);
            }
        }

        private Connection connection() throws SQLException {
            if (writes == null) {
                writes = dataSource.getConnection();
            }
            return writes;
        }

        /** Writes the last DONE row and lets the connection go. */
        @Override
        public synchronized void close() {
            try {
                if (done != null) {
                    write(List.of(done));
                    done = null;
                }
            } finally {
                if (writes != null) {
                    try {
                        writes.close();
                    } catch (SQLException e) {
                        // nothing left to release
                    }
                    writes = null;
                }
            }
        }

        /** The versions with statements that ran, or one that was running. */
        synchronized java.util.Set<String> versions() {
            java.util.Set<String> versions = new java.util.TreeSet<>(recorded.keySet());
            versions.addAll(started.keySet());
            return versions;
        }

        /** The statements of {@code version} that ran during this change. */
        synchronized List<StatementRun> ranNow(String version) {
            return List.copyOf(ranNow.getOrDefault(version, List.of()));
        }

        /** Forgets the statements of these versions (applied, undone or repaired as a whole). */
        void forget(Collection<String> versions) {
            forgetLater(versions).run();
        }

        /**
         * Forgets these versions here at once (no DONE row of theirs is written any more); the returned step
         * removes their rows from the journal table.
         */
        Runnable forgetLater(Collection<String> versions) {
            forgetHere(versions);
            List<String> gone = List.copyOf(versions);
            return () -> ScriptProgress.this.forget(target, gone);
        }

        private void forgetHere(Collection<String> versions) {
            synchronized (this) {
                recorded.keySet().removeAll(versions);
                started.keySet().removeAll(versions);
                if (done != null && versions.contains(done.version())) {
                    done = null;
                }
            }
        }
    }

    /** Reads what is recorded under {@code mark}: statements that ended, by version in order, and one that was running. */
    private void read(String target, String mark, Map<String, List<StatementRun>> done, Map<String, StatementJournal.InFlight> started) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT version, statement_index, line,"
                + " statement_hash, statement_start, algorithm, lock_retries, duration_ms, state, session_id FROM ferry_statement_progress"
                + " WHERE target = ? AND history_mark = ? ORDER BY version, statement_index")) {
            ps.setString(1, target);
            ps.setString(2, mark);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if ("STARTED".equals(rs.getString(9))) {
                        started.put(rs.getString(1), new StatementJournal.InFlight(rs.getInt(2), rs.getLong(10)));
                    } else {
                        done.computeIfAbsent(rs.getString(1), v -> new ArrayList<>()).add(new StatementRun(rs.getInt(2), rs.getInt(3),
                                rs.getInt(4), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getLong(8)));
                    }
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private void forget(String target, Collection<String> versions) {
        if (versions.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM ferry_statement_progress WHERE target = ? AND version IN (" + "?,".repeat(versions.size() - 1) + "?)")) {
            ps.setString(1, target);
            int i = 2;
            for (String version : versions) {
                ps.setString(i++, version);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Upserts journal rows in one statement (one commit). */
    private static void write(Connection c, String target, List<Row> rows) throws SQLException {
        String values = String.join(", ", java.util.Collections.nCopies(rows.size(), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ferry_statement_progress"
                + " (target, version, statement_index, script, line, statement_hash, statement_start, algorithm, lock_retries, duration_ms,"
                + " applied_at, history_mark, state, session_id) VALUES " + values + " ON DUPLICATE KEY UPDATE"
                + " line = VALUES(line), statement_hash = VALUES(statement_hash), statement_start = VALUES(statement_start),"
                + " algorithm = VALUES(algorithm), lock_retries = VALUES(lock_retries), duration_ms = VALUES(duration_ms),"
                + " applied_at = VALUES(applied_at), history_mark = VALUES(history_mark), state = VALUES(state),"
                + " session_id = COALESCE(VALUES(session_id), session_id)")) {
            int i = 0;
            for (Row row : rows) {
                StatementRun s = row.statement();
                ps.setString(++i, target);
                ps.setString(++i, row.version());
                ps.setInt(++i, s.index());
                ps.setString(++i, row.script());
                ps.setInt(++i, s.line());
                ps.setInt(++i, s.hash());
                ps.setString(++i, s.statement());
                ps.setString(++i, s.algorithm());
                ps.setInt(++i, s.lockRetries());
                ps.setLong(++i, s.durationMs());
                ps.setTimestamp(++i, Timestamp.from(Instant.now()));
                ps.setString(++i, row.mark());
                ps.setString(++i, row.state());
                ps.setObject(++i, row.session());
            }
            ps.executeUpdate();
        }
    }

    private static FerryException unavailable(SQLException e) {
        // The cause stays attached, so the retry policy can tell a lost connection from a bug.
        return new FerryException(ErrorCode.INTERNAL_ERROR, "Ferry's own database is unavailable", null, Map.of(), e);
    }
}
