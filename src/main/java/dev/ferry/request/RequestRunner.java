package dev.ferry.request;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import dev.ferry.RequestStatus;
import dev.ferry.backfill.BackfillReport;
import dev.ferry.drift.DriftReport;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.request.action.ActionHandler;
import dev.ferry.request.action.ActionResult;
import dev.ferry.validation.ValidationReport;

/**
 * Runs requests on this instance: claims one in the ledger, runs its action's handler while a
 * heartbeat says the instance is alive, and turns what came of it into the result.
 */
@ApplicationScoped
public class RequestRunner {

    private static final Logger LOG = Logger.getLogger(RequestRunner.class);

    private final RequestLedger ledger;
    private final RequestValidator validator;
    private final Map<Action, ActionHandler> handlers = new EnumMap<>(Action.class);
    private final EventPublisher publisher;
    private final RequestsConfig config;
    private final BoundedRetry retry;
    private final String instance;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public RequestRunner(RequestLedger ledger, RequestValidator validator, Instance<ActionHandler> actionHandlers, EventPublisher publisher,
            RequestsConfig config) {
        this.ledger = ledger;
        this.validator = validator;
        this.publisher = publisher;
        this.config = config;
        this.retry = new BoundedRetry(config);
        actionHandlers.forEach(handler -> handlers.put(handler.action(), handler));
        for (Action action : Action.values()) {
            if (!handlers.containsKey(action)) {
                throw new IllegalStateException("No handler for action " + action.wireName());
            }
        }
        this.instance = config.instance().orElseGet(RequestRunner::hostName);
    }

    /** The name this instance records as the owner of the requests it runs. */
    public String instance() {
        return instance;
    }

    /** Records the request as this instance's; false when its id is known already. */
    boolean claim(MigrationRequest request, String payload, Instant receivedAt) {
        return retry.call("record the request", () -> ledger.claim(request, payload, receivedAt, instance));
    }

    /** Takes over a request whose owner's heartbeat went stale; false when another instance got it first. */
    boolean takeOver(String requestId, Instant staleBefore, Instant now) {
        return retry.call("take over a stale request", () -> ledger.takeOver(requestId, staleBefore, instance, now));
    }

    /** Runs the request's action; every failure ends as a result. */
    MigrationResult run(MigrationRequest request, Instant receivedAt) {
        Instant startedAt = Instant.now();
        long every = config.heartbeatInterval().toMillis();
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> beat(request.requestId()), every, every, TimeUnit.MILLISECONDS);
        try {
            Action action = validator.validate(request);
            ActionResult done = handlers.get(action).handle(request, progress -> recordProgress(request.requestId(), progress));
            return resultOf(request, receivedAt, startedAt, done.outcome(), done.backfill(), done.validation(), done.drift());
        } catch (FerryException e) {
            return resultOf(request, receivedAt, startedAt, MigrationOutcome.failed(e));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Request %s failed unexpectedly", request.requestId());
            FerryException internal = new FerryException(ErrorCode.INTERNAL_ERROR, "Unexpected error: " + e.getClass().getSimpleName());
            return resultOf(request, receivedAt, startedAt, MigrationOutcome.failed(internal));
        } finally {
            beat.cancel(false);
        }
    }

    MigrationResult resultOf(MigrationRequest request, Instant receivedAt, Instant startedAt, MigrationOutcome outcome) {
        return resultOf(request, receivedAt, startedAt, outcome, null, null, null);
    }

    private MigrationResult resultOf(MigrationRequest request, Instant receivedAt, Instant startedAt, MigrationOutcome outcome,
            BackfillReport backfillReport, ValidationReport validationReport, DriftReport driftReport) {
        Instant finishedAt = Instant.now();
        FerryException failure = outcome.failure();
        MigrationResult.ErrorInfo error = failure == null ? null
                : new MigrationResult.ErrorInfo(failure.code().name(), failure.getMessage(), failure.migration(),
                        failure.details().isEmpty() ? null : failure.details());
        RequestStatus status = failure == null ? RequestStatus.SUCCEEDED : failure.status();
        return new MigrationResult(request.requestId(), request.action(), request.target(), status, false, receivedAt, startedAt,
                finishedAt, Duration.between(startedAt, finishedAt).toMillis(), outcome.versionBefore(), outcome.versionAfter(),
                outcome.migrations() == null ? List.of() : outcome.migrations(), outcome.plan(),
                outcome.lint() == null ? List.of() : outcome.lint(),
                validationReport, backfillReport, driftReport, error, instance);
    }

    private void recordProgress(String requestId, Object progress) {
        try {
            ledger.progress(requestId, publisher.toJson(progress));
        } catch (RuntimeException e) {
            LOG.warnf("Progress of %s not recorded: %s", requestId, e.getMessage());
        }
    }

    private void beat(String requestId) {
        try {
            ledger.heartbeat(requestId, instance, Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf("Heartbeat of %s not recorded: %s", requestId, e.getMessage());
        }
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "ferry";
        }
    }

    @PreDestroy
    void stop() {
        heartbeats.shutdownNow();
    }
}
