package dev.ferry.request;

import java.time.Duration;
import java.util.function.Supplier;

import dev.ferry.Transient;

/**
 * A ledger or broker step of a request, tried again while its failure is transient (an outage delays a
 * request, it never loses it), for at most {@code ferry.requests.transient-retry-for}; any other failure
 * at once.
 */
public final class BoundedRetry {

    private final Duration bound;

    public BoundedRetry(RequestsConfig config) {
        this.bound = config.transientRetryFor();
    }

    public <T> T call(String what, Supplier<T> step) {
        return Transient.retry(what, bound, step);
    }

    public void run(String what, Runnable step) {
        Transient.run(what, bound, step);
    }
}
