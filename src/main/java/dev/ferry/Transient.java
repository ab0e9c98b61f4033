package dev.ferry;

import java.net.ConnectException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * Ferry's one retry policy: only what is transient (a lost or refused connection, a timeout, a broker
 * not available) is tried again, with exponential backoff and jitter (200 ms doubling to 5 s), for at
 * most a bound; anything else fails at once, so a deterministic bug ends as a clear result instead of
 * a partition retried for ever.
 */
public final class Transient {

    private static final Logger LOG = Logger.getLogger(Transient.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private Transient() {
    }

    /** Whether {@code failure}, or anything that caused it, is worth trying again. */
    public static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException || t instanceof ConnectException
                    || t instanceof java.util.concurrent.TimeoutException || t instanceof io.smallrye.mutiny.TimeoutException
                    || t instanceof org.apache.kafka.common.errors.RetriableException
                    || t instanceof java.sql.SQLException sql && (sql.getSQLState() != null && sql.getSQLState().startsWith("08")
                            || sql.getSQLState() == null && poolTimeout(sql.getMessage()))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * A pool that waited for a connection the server did not give (Agroal's, MariaDB's): a plain
     * SQLException without SQLState, known only by its words.
     */
    private static boolean poolTimeout(String message) {
        return message != null && (message.contains("acquisition timeout") || message.contains("No connection available within"));
    }

    /**
     * Runs {@code step}, trying a transient failure again until {@code bound} has passed; then, or for
     * any other failure, the failure is thrown ({@link Exhausted} when the bound ran out).
     */
    public static <T> T retry(String what, Duration bound, Supplier<T> step) {
        try {
            return Uni.createFrom().item(step)
                    .onFailure(Transient::is).invoke(e -> LOG.warnf("Could not %s (%s); trying again", what, e.getMessage()))
                    .onFailure(Transient::is).retry().withBackOff(FIRST_BACKOFF, MAX_BACKOFF).withJitter(0.2)
                    .expireIn(bound.toMillis())
                    .await().indefinitely();
        } catch (RuntimeException e) {
            if (is(e)) {
                throw new Exhausted(what, bound, e);
            }
            throw e;
        }
    }

    /** As {@link #retry(String, Duration, Supplier)} for a step without a value. */
    public static void run(String what, Duration bound, Runnable step) {
        retry(what, bound, () -> {
            step.run();
            return Boolean.TRUE;
        });
    }

    /** A transient failure that outlasted its bound. */
    public static final class Exhausted extends RuntimeException {
        Exhausted(String what, Duration bound, Throwable cause) {
            super("Could not " + what + " within " + bound + ": " + cause.getMessage(), cause);
        }
    }
}
