package dev.ferry.backfill;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

/**
 * Lookups with the resilience a long backfill needs: Mutiny retries with exponential backoff and
 * jitter for timeouts, 5xx and malformed answers (never for other 4xx), 429's Retry-After honoured,
 * and an optional global rate limit. A lookup never fails: it ends in identities or in an error message for the audit row.
 */
@ApplicationScoped
public class KratosClient {

    /** How a lookup ended: identities found (possibly none), or the last error after all attempts. */
    public record Lookup(List<KratosIdentity> identities, String error, int attempts, boolean unreachable) {
    }

    private final KratosDirectory directory;
    private final KratosConfig config;
    private final long rateIntervalNanos;
    private final AtomicLong nextSlot = new AtomicLong(System.nanoTime());

    public KratosClient(KratosConfig config, ObjectMapper mapper) {
        this.config = config;
        this.rateIntervalNanos = config.rateLimit() > 0 ? (long) (1_000_000_000L / config.rateLimit()) : 0;
        if (config.fixture().isPresent()) {
            this.directory = new FixtureKratosDirectory(config.fixture().get(), mapper);
        } else if (config.adminUrl().isPresent()) {
            this.directory = new HttpKratosDirectory(config.adminUrl().get(), config.token().orElse(null), config.timeout(),
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
        AtomicInteger attempts = new AtomicInteger();
        return Uni.createFrom().deferred(() -> {
            attempts.incrementAndGet();
            return afterRateLimit().onItem().transformToUni(ignored -> Uni.createFrom().completionStage(directory.findByEmail(email)));
        })
                .onFailure().transform(KratosClient::unwrap)
                // A 429's Retry-After is waited out in full; the backoff's own delay follows it.
                .onFailure(f -> ((KratosException) f).retryAfter() != null && ((KratosException) f).retryable()
                        && attempts.get() < config.maxAttempts())
                .call(f -> Uni.createFrom().voidItem().onItem().delayIt().by(((KratosException) f).retryAfter()))
                .onFailure(f -> ((KratosException) f).retryable()).retry()
                // Jitter spreads retries of many users out instead of hitting Kratos in waves.
                .withBackOff(config.initialBackoff(), config.maxBackoff()).withJitter(0.5)
                .atMost(config.maxAttempts() - 1L)
                .map(identities -> new Lookup(identities, null, attempts.get(), false))
                .onFailure().recoverWithItem(f -> {
                    KratosException failure = unwrap(f);
                    return new Lookup(null, failure.getMessage(), attempts.get(), failure.unreachable());
                })
                .subscribeAsCompletionStage();
    }

    /** Reserves the next slot of the global rate limit and completes when it comes. */
    private Uni<Void> afterRateLimit() {
        if (rateIntervalNanos == 0) {
            return Uni.createFrom().voidItem();
        }
        long now = System.nanoTime();
        long slot = nextSlot.getAndUpdate(next -> Math.max(next, now) + rateIntervalNanos);
        long wait = Math.max(slot, now) - now;
        return wait <= 0 ? Uni.createFrom().voidItem() : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(wait));
    }

    private static KratosException unwrap(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof KratosException k ? k
                : new KratosException("Kratos lookup failed: " + cause.getClass().getSimpleName() + " " + cause.getMessage(), true, null,
                        false);
    }

    @PreDestroy
    void stop() {
        if (directory instanceof HttpKratosDirectory http) {
            http.close();
        }
    }
}
