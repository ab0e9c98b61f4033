package dev.ferry.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;

import org.flywaydb.core.api.FlywayException;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * The statement Ferry was running when it stopped. The server goes on with a statement whose client
 * died, so before the statement runs again Ferry waits for that session to end; if the statement then
 * fails because its effect is already there, the earlier run finished it.
 */
final class InFlightStatements {

    private static final Logger LOG = Logger.getLogger(InFlightStatements.class);
    /** The longest Ferry waits for the server to finish a statement of a run that stopped (a long ALTER). */
    static final Duration LONGEST_WAIT = Duration.ofHours(6);
    private static final Duration POLL = Duration.ofSeconds(1);

    /**
     * Server errors that mean "what this statement makes is already there": table, column, key, foreign
     * key, routine or trigger exists; what it drops is gone; the row it inserts is there.
     */
    private static final Set<Integer> ALREADY_DONE = Set.of(1050, 1051, 1060, 1061, 1062, 1091, 1304, 1359, 1826);

    private InFlightStatements() {
    }

    /** Waits until target session {@code session} (the run that stopped) is gone from the server. */
    static void awaitEnd(Connection connection, long session, String script, int index) {
        if (!alive(connection, session)) {
            return;
        }
        LOG.infof("%s statement %d was running when Ferry stopped; waiting for the server to finish it (session %d)", script, index,
                session);
        long tries = LONGEST_WAIT.toMillis() / POLL.toMillis();
        try {
            Uni.createFrom().item(() -> alive(connection, session)).onItem().transform(running -> {
                if (running) {
                    throw new StillRunning();
                }
                return running;
            }).onFailure(StillRunning.class).retry().withBackOff(POLL, POLL).atMost(tries).await().indefinitely();
        } catch (StillRunning e) {
            throw new FlywayException(script + " statement " + index + " from the run that stopped is still running on the server (session "
                    + session + ") after " + LONGEST_WAIT.toHours() + " h; end it (KILL " + session + ") and send migrate again");
        }
    }

    /** The statement failed because what it makes is there, or what it removes is gone. */
    static boolean alreadyDone(StatementFailure failure) {
        return failure.getCause() instanceof SQLException sql && ALREADY_DONE.contains(sql.getErrorCode());
    }

    private static boolean alive(Connection connection, long session) {
        // An idle session (a pooled connection given out again) runs nothing; only a busy one can be finishing the statement.
        try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?"
                + " AND ID <> CONNECTION_ID() AND COMMAND <> 'Sleep'")) {
            ps.setLong(1, session);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new FlywayException("Cannot read the target's sessions: " + e.getMessage(), e);
        }
    }

    private static final class StillRunning extends RuntimeException {
        StillRunning() {
            super("still running", null, false, false);
        }
    }
}
