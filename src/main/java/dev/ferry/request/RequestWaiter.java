package dev.ferry.request;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.problem.FerryException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Holds a REST call open until its request is final ({@code ?wait=<seconds>}), so a pipeline asks once
 * instead of polling. A waiting call counts as one of its caller's event streams, under the same caps.
 */
@ApplicationScoped
public class RequestWaiter {

    /** The longest one call waits; a longer wait is a loop of calls (the CLI does that). */
    public static final int MAX_WAIT_SECONDS = 60;
    /** How often a waiting call reads its request's row (one indexed lookup). */
    private static final Duration LOOK_EVERY = Duration.ofMillis(250);

    private final RequestLedger ledger;
    private final EventStreams streams;

    public RequestWaiter(RequestLedger ledger, EventStreams streams) {
        this.ledger = ledger;
        this.streams = streams;
    }

    /** The {@code wait} parameter: absent or 0 for no wait, else 1 to {@value #MAX_WAIT_SECONDS} seconds. */
    public static Duration parse(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        try {
            int seconds = Integer.parseInt(wait.trim());
            if (seconds >= 0 && seconds <= MAX_WAIT_SECONDS) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw FerryException.badParameter("wait", "must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS + ", not '" + wait + "'");
    }

    /**
     * The request as soon as it is final, or as it is when {@code wait} has passed (null if it has not
     * reached the ledger by then). TOO_MANY_STREAMS when the caller already holds all its streams.
     */
    Uni<LedgerRecord> untilFinal(String requestId, Duration wait, String caller) {
        EventStreams.Permit permit = streams.open(caller);
        return until(requestId, wait, row -> row != null && row.status().isFinal()).eventually(permit::close);
    }

    /** The request once it has reached the ledger; null if it has not within {@code wait} (a stream opened right after POST). */
    Uni<LedgerRecord> untilInLedger(String requestId, Duration wait) {
        return until(requestId, wait, Objects::nonNull);
    }

    private Uni<LedgerRecord> until(String requestId, Duration wait, Predicate<LedgerRecord> done) {
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(LOOK_EVERY)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> ledger.poll(requestId))
                .select().where(done::test)
                .toUni()
                // When the wait runs out, the request as it is then (null if it never reached the ledger).
                .ifNoItem().after(wait).recoverWithUni(() -> ledger.poll(requestId));
    }
}
