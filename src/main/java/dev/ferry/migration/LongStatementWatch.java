package dev.ferry.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * Reports how far a statement that runs for more than {@link #EVERY} has got, every {@link #EVERY},
 * from a second connection: MariaDB's processlist shows {@code PROGRESS} (percent), {@code STAGE} and
 * {@code MAX_STAGE} for ALTER TABLE; elsewhere the state alone is reported. Short statements cost nothing.
 */
final class LongStatementWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LongStatementWatch.class);
    static final long EVERY = 2;
    private static final ScheduledExecutorService TICKS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "ferry-ddl-progress");
        thread.setDaemon(true);
        return thread;
    });

    private final ScriptRun run;
    private final long session;
    private final DdlProgress about;
    private final ScheduledFuture<?> ticks;
    private Connection watcher;

    private LongStatementWatch(ScriptRun run, long session, DdlProgress about) {
        this.run = run;
        this.session = session;
        this.about = about;
        this.ticks = TICKS.scheduleWithFixedDelay(this::tick, EVERY, EVERY, TimeUnit.SECONDS);
    }

    /** Watches target session {@code session} while it runs the statement {@code about} describes. */
    static AutoCloseable start(ScriptRun run, long session, DdlProgress about) {
        return run.watcher() == null ? () -> {
        } : new LongStatementWatch(run, session, about);
    }

    private synchronized void tick() {
        try {
            if (watcher == null) {
                watcher = run.watcher().get();
            }
            boolean mariadb = OnlineDdl.mariadb(watcher);
            try (PreparedStatement ps = watcher.prepareStatement(mariadb
                    ? "SELECT STATE, PROGRESS, STAGE, MAX_STAGE FROM information_schema.PROCESSLIST WHERE ID = ?"
                    : "SELECT STATE, NULL, NULL, NULL FROM information_schema.PROCESSLIST WHERE ID = ?")) {
                ps.setLong(1, session);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Double percent = rs.getObject(2) == null ? null : rs.getDouble(2);
                        String stage = rs.getObject(3) == null || rs.getInt(4) == 0 ? rs.getString(1)
                                : "stage " + rs.getInt(3) + " of " + rs.getInt(4) + (rs.getString(1) == null ? "" : ": " + rs.getString(1));
                        run.progress().accept(new DdlProgress(null, about.script(), about.statement(), about.line(), about.table(),
                                about.algorithm(), percent, stage, null));
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("Cannot read the progress of session %d: %s", session, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        ticks.cancel(false);
        if (watcher != null) {
            try {
                watcher.close();
            } catch (SQLException e) {
                // nothing to release
            }
        }
    }
}
