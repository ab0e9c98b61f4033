package dev.ferry.backfill;

import java.time.Duration;

/** A failed lookup: whether trying again may help, after how long, and whether Kratos could be reached at all. */
class KratosException extends RuntimeException {

    private final boolean retryable;
    private final Duration retryAfter;
    private final boolean unreachable;

    KratosException(String message, boolean retryable, Duration retryAfter, boolean unreachable) {
        super(message);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
        this.unreachable = unreachable;
    }

    boolean retryable() {
        return retryable;
    }

    /** Server-requested wait (429 Retry-After), or null. */
    Duration retryAfter() {
        return retryAfter;
    }

    boolean unreachable() {
        return unreachable;
    }
}
