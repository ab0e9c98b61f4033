package dev.ferry.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.executor.Context;
import org.flywaydb.core.api.executor.MigrationExecutor;
import org.flywaydb.core.internal.jdbc.Results;

import dev.ferry.sql.SqlStatements;

/**
 * Runs one V script for Flyway, statement by statement on Flyway's connection (autocommit: MySQL DDL
 * commits anyway, and each statement's record then matches what the server kept):
 * <ul>
 * <li>statements the journal already records for this version are skipped, once their text is proven
 * unchanged (a resume);</li>
 * <li>a statement that cannot get its metadata lock within {@code ddl.lock-wait} (the session's
 * {@code lock_wait_timeout}) has not run; it is tried again with backoff and jitter up to
 * {@code ddl.lock-retries} times, so the application's queries never queue behind it for longer than
 * one wait; on MariaDB the first half of those tries do not queue an instant change at all
 * ({@link OnlineDdl#runInPlace});</li>
 * <li>each statement that ends is recorded before the next one starts.</li>
 * </ul>
 */
final class ScriptStatements implements MigrationExecutor {

    /** ER_LOCK_WAIT_TIMEOUT: what a metadata-lock (or row-lock) wait past its timeout raises; the statement did not run. */
    static final int LOCK_WAIT_TIMEOUT = 1205;

    private final ScriptCatalog.Script script;
    private final String version;
    private final TargetsConfig.Target target;
    private final TargetsConfig.Ddl ddl;
    private final Supplier<ScriptRun> change;

    ScriptStatements(ScriptCatalog.Script script, String version, TargetsConfig.Target target, Supplier<ScriptRun> change) {
        this.script = script;
        this.version = version;
        this.target = target;
        this.ddl = target.ddl();
        this.change = change;
    }

    @Override
    public List<Results> execute(Context context) throws SQLException {
        run(context.getConnection());
        return List.of();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return false;
    }

    @Override
    public boolean shouldExecute() {
        return true;
    }

    private void run(Connection connection) {
        ScriptRun run = change.get();
        if (run.recordOnly()) {
            return; // its changes are already in the schema: Flyway records the version, nothing runs
        }
        StatementJournal records = run.journal();
        List<SqlStatements.Statement> statements = SqlStatements.split(script.text());
        List<ScriptChecks.Check> checks = ScriptChecks.of(script.text());
        List<StatementRun> done = records.applied(version);
        changedSinceRun(script.name(), statements, done).ifPresent(changed -> {
            throw new FlywayException(changed);
        });
        Optional<StatementJournal.InFlight> inFlight = records.inFlight(version).filter(f -> f.index() == done.size() + 1);
        if (done.isEmpty() && inFlight.isEmpty()) {
            ScriptChecks.verify(connection, script.name(), version, checks, false); // a resumed script was checked before it began
        }
        ScriptProgress.ScriptStart start = startOf(connection);
        long session = start.session();
        String mark = start.mark();
        for (int i = done.size(); i < statements.size(); i++) {
            SqlStatements.Statement statement = statements.get(i);
            int index = i + 1;
            StatementRun starting = new StatementRun(index, statement.line(), StatementRun.hash(statement.sql()),
                    StatementRun.shown(statement.sql()), null, 0, 0);
            boolean wasRunning = inFlight.isPresent() && inFlight.get().index() == index;
            if (wasRunning) {
                InFlightStatements.awaitEnd(connection, inFlight.get().session(), script.name(), index);
            }
            records.starting(version, script.name(), starting, session, mark);
            StatementRun ran;
            try {
                ran = guarded(connection, session, run, index, statement);
            } catch (StatementFailure f) {
                if (!wasRunning || !InFlightStatements.alreadyDone(f)) {
                    records.refused(version, index);
                    throw f;
                }
                // The run Ferry stopped in had finished this statement on the server: its effect is there.
                ran = new StatementRun(index, statement.line(), starting.hash(), starting.statement(), "finished-before-restart", 0, 0);
            }
            records.record(version, script.name(), ran, mark);
        }
        ScriptChecks.verify(connection, script.name(), version, checks, true);
    }

    private ScriptProgress.ScriptStart startOf(Connection connection) {
        try {
            return ScriptProgress.startOf(connection, target.historyTable());
        } catch (SQLException e) {
            throw new FlywayException("Cannot read the session and the history table: " + e.getMessage(), e);
        }
    }

    /**
     * Runs one statement, waiting out metadata locks held by others in short, bounded tries; a table
     * change runs with the cheapest algorithm the server accepts ({@link OnlineDdl}).
     */
    private StatementRun guarded(Connection connection, long session, ScriptRun run, int index, SqlStatements.Statement statement) {
        AtomicInteger tries = new AtomicInteger();
        AtomicReference<String> algorithm = new AtomicReference<>();
        Optional<OnlineDdl.Change> change = OnlineDdl.of(statement.sql());
        long started = System.nanoTime();
        DdlProgress about = new DdlProgress(null, script.name(), index, statement.line(), change.map(OnlineDdl.Change::table).orElse(null),
                null, null, null, null);
        try (AutoCloseable watch = LongStatementWatch.start(run, session, about)) {
            Uni.createFrom().item(() -> {
                // The first half of the tries never queue an instant change behind the table's lock holders: they ask
                // without waiting for up to ddl.lock-wait; the rest queue for it, so a table never free for a moment still gets its turn.
                Duration poll = tries.incrementAndGet() <= (ddl.lockRetries() + 1) / 2 ? ddl.lockWait() : Duration.ZERO;
                algorithm.set(execute(connection, statement.sql(), change, run, about, poll));
                return statement;
            }).onFailure(LockNotGranted.class).retry().withBackOff(ddl.lockWait(), ddl.lockWait().multipliedBy(4)).withJitter(0.3)
                    .atMost(ddl.lockRetries())
                    .await().indefinitely();
        } catch (LockNotGranted e) {
            throw StatementFailure.lockWait(script.name(), version, index, statement, tries.get() - 1,
                    MetadataLocks.blockers(connection, change.map(OnlineDdl.Change::table).orElse(null)), e.getCause());
        } catch (Failed e) {
            throw StatementFailure.of(script.name(), version, index, statement, tries.get() - 1, e.getCause());
        } catch (Exception e) {
            throw StatementFailure.of(script.name(), version, index, statement, tries.get() - 1, e);
        }
        return new StatementRun(index, statement.line(), StatementRun.hash(statement.sql()), StatementRun.shown(statement.sql()),
                algorithm.get(), tries.get() - 1, (System.nanoTime() - started) / 1_000_000);
    }

    /** Runs the statement; for a table change, returns the algorithm that ran. */
    private String execute(Connection connection, String sql, Optional<OnlineDdl.Change> change, ScriptRun run, DdlProgress about,
            Duration poll) {
        try {
            if (change.isEmpty()) {
                plain(connection, sql);
                return null;
            }
            Optional<OnlineDdl.Algorithm> inPlace;
            try {
                inPlace = OnlineDdl.runInPlace(connection, change.get(), OnlineDdl.inPlaceAlgorithms(connection), poll);
            } catch (OnlineDdl.ClauseNotTaken e) {
                plain(connection, sql); // as written; a real syntax error fails here with the server's own words
                return null;
            }
            if (inPlace.isPresent()) {
                return inPlace.get().shown();
            }
            String table = change.get().table();
            if (OnlineDdl.isLarge(connection, table, ddl.largeTableRows())) {
                if (ddl.onlineTool().isPresent() && change.get().alterTable()) {
                    PtOnlineSchemaChange.run(target, connection, change.get(), p -> run.progress().accept(new DdlProgress(null,
                            about.script(), about.statement(), about.line(), table, OnlineDdl.Algorithm.PT_ONLINE_SCHEMA_CHANGE.shown(),
                            p.percent(), "copying rows", p.remaining())));
                    return OnlineDdl.Algorithm.PT_ONLINE_SCHEMA_CHANGE.shown();
                }
                if (!run.copyAllowed()) {
                    throw new Failed(new SQLException("it needs a copy of table " + table + ", which has at least " + ddl.largeTableRows()
                            + " rows (ddl.large-table-rows), and no online tool is enabled (ddl.online-tool); it did not run"));
                }
            }
            plain(connection, sql);
            return OnlineDdl.Algorithm.COPY.shown();
        } catch (SQLException e) {
            throw e.getErrorCode() == LOCK_WAIT_TIMEOUT ? new LockNotGranted(e) : new Failed(e);
        } catch (PtOnlineSchemaChange.Failed e) {
            throw new Failed(new SQLException(e.getMessage(), e));
        }
    }

    private static void plain(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Why the recorded statements of a script cannot be skipped: the first one whose text (comments
     * and layout aside) is no longer what ran, or a script now shorter than what ran.
     */
    static Optional<String> changedSinceRun(String script, List<SqlStatements.Statement> statements, List<StatementRun> done) {
        for (StatementRun ran : done) {
            if (ran.index() > statements.size()) {
                return Optional.of(script + " now has " + statements.size() + " statements, but " + done.size()
                        + " of it already ran; restore them, or repair with a reason");
            }
            SqlStatements.Statement now = statements.get(ran.index() - 1);
            if (StatementRun.hash(now.sql()) != ran.hash()) {
                return Optional.of("Statement " + ran.index() + " of " + script + " (line " + now.line() + ") changed since it ran ("
                        + ran.statement() + "); statements that ran must stay as they ran. Restore it, or repair with a reason");
            }
        }
        return Optional.empty();
    }

    /** The statement waited {@code lock_wait_timeout} for its lock and did not run. */
    private static final class LockNotGranted extends RuntimeException {
        LockNotGranted(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** The server refused the statement. */
    private static final class Failed extends RuntimeException {
        Failed(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
