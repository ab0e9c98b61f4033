package dev.ferry.backfill;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;

/**
 * Lookups with the resilience a long backfill needs: retries with exponential backoff for
 * timeouts, 5xx and malformed answers, 429's Retry-After honoured, and an optional global rate
 * limit. A lookup never fails: it ends in identities or in an error message for the audit row.
 */
@ApplicationScoped
public class KratosClient {

    /** How a lookup ended: identities found (possibly none), or the last error after all attempts. */
    public record Lookup(List<KratosIdentity> identities, String error, int attempts, boolean unreachable) {
    }

    private final KratosDirectory directory;
    private final KratosConfig config;
    /** Waits out backoffs and rate-limit slots; the lookups themselves run on Vert.x's event loops. */
    private final ExecutorService delays = Executors.newFixedThreadPool(2, daemon("ferry-kratos-delay"));
    private final long rateIntervalNanos;
    private final AtomicLong nextSlot = new AtomicLong(System.nanoTime());

    public KratosClient(KratosConfig config, ObjectMapper mapper, Vertx vertx) {
        this.config = config;
        this.rateIntervalNanos = config.rateLimit() > 0 ? (long) (1_000_000_000L / config.rateLimit()) : 0;
        if (config.fixture().isPresent()) {
            this.directory = new FixtureKratosDirectory(config.fixture().get(), mapper);
        } else if (config.adminUrl().isPresent()) {
            this.directory = new HttpKratosDirectory(vertx, config.adminUrl().get(), config.token().orElse(null), config.timeout(),
                    BackfillOptions.MAX_CONCURRENCY, mapper);
        } else {
            this.directory = email -> CompletableFuture.failedFuture(new KratosException(
                    "No Kratos configured: set ferry.kratos.admin-url or ferry.kratos.fixture", false, null, true));
        }
    }

    public int defaultConcurrency() {
        return config.concurrency();
    }

    public CompletableFuture<Lookup> lookup(String email) {
        return attempt(email, 1);
    }

    private CompletableFuture<Lookup> attempt(String email, int attempt) {
        return afterRateLimit()
                .thenCompose(ignored -> directory.findByEmail(email))
                .handle((identities, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(new Lookup(identities, null, attempt, false));
                    }
                    KratosException failure = unwrap(error);
                    if (!failure.retryable() || attempt >= config.maxAttempts()) {
                        return CompletableFuture.completedFuture(new Lookup(null, failure.getMessage(), attempt, failure.unreachable()));
                    }
                    Duration wait = failure.retryAfter() != null ? failure.retryAfter() : backoff(attempt);
                    return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS, delays))
                            .thenCompose(ignored -> attempt(email, attempt + 1));
                })
                .thenCompose(next -> next);
    }

    /** Reserves the next slot of the global rate limit and completes when it comes. */
    private CompletableFuture<Void> afterRateLimit() {
        if (rateIntervalNanos == 0) {
            return CompletableFuture.completedFuture(null);
        }
        long now = System.nanoTime();
        long slot = nextSlot.getAndUpdate(next -> Math.max(next, now) + rateIntervalNanos);
        long wait = Math.max(slot, now) - now;
        return wait <= 0 ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS, delays));
    }

    private Duration backoff(int attempt) {
        long millis = config.initialBackoff().toMillis() << Math.min(attempt - 1, 16);
        long capped = Math.min(millis, config.maxBackoff().toMillis());
        // Jitter spreads retries of many users out instead of hitting Kratos in waves.
        return Duration.ofMillis(capped / 2 + (long) (Math.random() * (capped / 2 + 1)));
    }

    private static KratosException unwrap(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof KratosException k ? k
                : new KratosException("Kratos lookup failed: " + cause.getClass().getSimpleName() + " " + cause.getMessage(), true, null,
                        false);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @PreDestroy
    void stop() {
        delays.shutdownNow();
        if (directory instanceof HttpKratosDirectory http) {
            http.close();
        }
    }
}
