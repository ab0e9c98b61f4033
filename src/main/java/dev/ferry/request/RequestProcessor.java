package dev.ferry.request;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.RequestStatus;
import dev.ferry.Transient;
import dev.ferry.alert.Alert;
import dev.ferry.backfill.BackfillReport;
import dev.ferry.identity.RecordAuthenticator;
import dev.ferry.request.action.ActionHandler;
import dev.ferry.request.action.ActionResult;
import io.smallrye.mutiny.Uni;
import dev.ferry.validation.ValidationReport;
import dev.ferry.alert.Alerts;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.migration.MigrationRunner;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * Turns one record of {@code migration-requests} into exactly one final result: parse, deduplicate
 * through the ledger, run, record, publish. Blocking; runs on the dispatcher's worker threads.
 */
@ApplicationScoped
public class RequestProcessor {

    private static final Logger LOG = Logger.getLogger(RequestProcessor.class);

    private final ObjectMapper mapper;
    private final RequestLedger ledger;
    private final RequestValidator validator;
    private final MigrationRunner runner;
    private final Map<Action, ActionHandler> handlers = new EnumMap<>(Action.class);
    private final Alerts alerts;
    private final RequestMetrics metrics;
    private final EventPublisher publisher;
    private final RequestsConfig config;
    private final RecordAuthenticator authenticator;
    private final String instance;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ferry-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public RequestProcessor(ObjectMapper mapper, RequestLedger ledger, RequestValidator validator, MigrationRunner runner,
            Instance<ActionHandler> actionHandlers, EventPublisher publisher, Alerts alerts, RequestMetrics metrics, RequestsConfig config,
            RecordAuthenticator authenticator) {
        this.authenticator = authenticator;
        this.alerts = alerts;
        this.metrics = metrics;
        this.mapper = mapper;
        this.ledger = ledger;
        this.validator = validator;
        this.runner = runner;
        this.publisher = publisher;
        this.config = config;
        actionHandlers.forEach(handler -> handlers.put(handler.action(), handler));
        for (Action action : Action.values()) {
            if (!handlers.containsKey(action)) {
                throw new IllegalStateException("No handler for action " + action.wireName());
            }
        }
        this.instance = config.instance().orElseGet(RequestProcessor::hostName);
    }

    public String instance() {
        return instance;
    }

    /** Handles one record; returns once its result or dead letter is acknowledged by the broker. */
    public void process(IncomingRecord record) {
        String key = record.key();
        byte[] value = record.value();
        Instant receivedAt = Instant.now();
        JsonNode tree;
        try {
            // The mapper refuses duplicated keys (StrictJson), like the REST API.
            tree = value == null ? null : mapper.readTree(value);
        } catch (IOException e) {
            LOG.warnf("Unparseable record (key %s) sent to the dead-letter topic: %s", key, e.getMessage());
            retryingRun("publish a dead letter", () -> publisher.publishDeadLetter(key, value, DeadLetterCode.UNPARSEABLE, firstLine(e.getMessage())));
            metrics.deadLetter();
            return;
        }
        if (tree == null || tree.isMissingNode()) {
            retryingRun("publish a dead letter", () -> publisher.publishDeadLetter(key, value, DeadLetterCode.EMPTY, "The record has no JSON value"));
            metrics.deadLetter();
            return;
        }
        MigrationRequest asked;
        try {
            if (!tree.isObject()) {
                throw new IllegalArgumentException("A request must be a JSON object, not " + tree.getNodeType());
            }
            asked = mapper.treeToValue(tree, MigrationRequest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String requestId = tree.path("requestId").isTextual() ? tree.path("requestId").asText() : null;
            rejectUnrecorded(requestId, tree, receivedAt, new FerryException(ErrorCode.INVALID_REQUEST,
                    "The request does not match the contract: " + firstLine(e.getMessage())));
            return;
        }
        if (!RequestValidator.isValidRequestId(asked.requestId())) {
            rejectUnrecorded(asked.requestId(), tree, receivedAt, new FerryException(ErrorCode.INVALID_REQUEST,
                    RequestValidator.REQUEST_ID_RULE));
            return;
        }
        // Nothing is recorded for a record without a valid identity, so it cannot take a requestId from its owner.
        MigrationRequest request;
        try {
            request = asked.requestedBy(authenticator.verify(record.authorization(), record.timestamp(), receivedAt).name());
        } catch (FerryException e) {
            LOG.warnf("Request %s refused: %s", asked.requestId(), e.getMessage());
            rejectUnrecorded(asked.requestId(), tree, receivedAt, e);
            return;
        }
        String payload = new String(value, StandardCharsets.UTF_8);
        // Every log line of this request's work carries its id and target (JSON logs show the MDC).
        MDC.put("requestId", request.requestId());
        MDC.put("target", String.valueOf(request.target()));
        try {
            if (retrying("record the request", () -> ledger.claim(request, payload, receivedAt, instance))) {
                complete(run(request, receivedAt), request.isForced());
            } else {
                answerKnownRequest(request, receivedAt);
            }
        } catch (RequestLedger.LedgerRefusedException e) {
            LOG.warnf("Request %s cannot be recorded, sent to the dead-letter topic: %s", request.requestId(), e.getMessage());
            retryingRun("publish a dead letter", () -> publisher.publishDeadLetter(key, value, DeadLetterCode.UNSTORABLE, firstLine(e.getMessage())));
            metrics.deadLetter();
        } catch (Transient.Exhausted e) {
            // The ledger or the broker is still away: leave the record for redelivery (readiness reports it).
            throw e;
        } catch (RuntimeException e) {
            if (interrupted(e)) {
                throw e; // shutting down: the record is delivered again to whoever owns the partition next
            }
            // A failure no retry can mend (a bug): answer it, so the partition moves on.
            LOG.errorf(e, "Request %s could not be finished; answering INTERNAL_ERROR", request.requestId());
            MigrationResult internal = resultOf(request, receivedAt, receivedAt, MigrationOutcome.failed(new FerryException(
                    ErrorCode.INTERNAL_ERROR, "Ferry could not finish the request: " + e.getClass().getSimpleName()
                            + "; the log has the details")));
            retryingRun("publish a result", () -> publisher.publishResult(internal));
        } finally {
            MDC.remove("requestId");
            MDC.remove("target");
        }
    }

    private MigrationResult run(MigrationRequest request, Instant receivedAt) {
        Instant startedAt = Instant.now();
        long every = config.heartbeatInterval().toMillis();
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> beat(request.requestId()), every, every,
                TimeUnit.MILLISECONDS);
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

    private void recordProgress(String requestId, Object progress) {
        try {
            ledger.progress(requestId, publisher.toJson(progress));
        } catch (RuntimeException e) {
            LOG.warnf("Progress of %s not recorded: %s", requestId, e.getMessage());
        }
    }

    /** A request id seen before: re-publish its result, wait for its live owner, or finish a dead owner's run. */
    private void answerKnownRequest(MigrationRequest request, Instant receivedAt) {
        // The same id asking for other work would otherwise be answered with the first request's result.
        List<String> differences = SameRequest.differences(known(request).payload(), request, mapper);
        if (!differences.isEmpty()) {
            LOG.warnf("Request %s re-sent with a different %s: refused", request.requestId(), differences);
            MigrationResult conflict = resultOf(request, receivedAt, receivedAt,
                    MigrationOutcome.failed(SameRequest.conflict(request.requestId(), differences)));
            retryingRun("publish a result", () -> publisher.publishResult(conflict));
            return;
        }
        // A live owner is waited for (its heartbeat says so); one whose heartbeat went stale is taken over.
        Uni.createFrom().item(() -> answerOnceSettled(request)).onFailure(OwnerAtWork.class).retry()
                .withBackOff(Duration.ofMillis(500), Duration.ofSeconds(1)).indefinitely()
                .await().indefinitely();
    }

    /** Answers the request if its owner is done or gone; {@link OwnerAtWork} while it is still at it. */
    private boolean answerOnceSettled(MigrationRequest request) {
        LedgerRecord known = known(request);
        Instant now = Instant.now();
        Instant staleBefore = now.minus(config.staleAfter());
        if (known.status().isFinal()) {
            // Finished a moment ago but not yet marked published: after a rebalance its owner may be
            // publishing it right now, and a second original would follow. Give the owner its time.
            if (known.publishedAt() == null && known.finishedAt() != null && known.finishedAt().isAfter(staleBefore)) {
                throw new OwnerAtWork();
            }
            republish(known);
            return true;
        }
        boolean stale = known.heartbeatAt() == null || known.heartbeatAt().isBefore(staleBefore);
        if (stale && retrying("take over a stale request", () -> ledger.takeOver(request.requestId(), staleBefore, instance, now))) {
            LOG.warnf("Request %s was left RUNNING by %s; finishing it honestly", request.requestId(), known.instance());
            complete(recover(request, known), request.isForced());
            return true;
        }
        throw new OwnerAtWork();
    }

    private LedgerRecord known(MigrationRequest request) {
        return retrying("read the ledger", () -> ledger.find(request.requestId()))
                .orElseThrow(() -> new IllegalStateException("Request " + request.requestId() + " vanished from the ledger"));
    }

    /** The request's owner is still working on it, or publishing its result. */
    private static final class OwnerAtWork extends RuntimeException {
        OwnerAtWork() {
            super("the owner is still at work", null, false, false);
        }
    }

    /**
     * Read-only work is simply run again, and so is a backfill, which continues with the users still
     * unlinked; a schema change is reported from the target's own history.
     */
    private MigrationResult recover(MigrationRequest request, LedgerRecord known) {
        Optional<Action> action = Action.fromWire(known.action());
        if (action.isEmpty() || !action.get().changesTarget() || request.isDryRun() || action.get() == Action.BACKFILL) {
            return run(request, known.receivedAt());
        }
        Instant startedAt = known.startedAt() == null ? known.receivedAt() : known.startedAt();
        try {
            return resultOf(request, known.receivedAt(), startedAt, runner.inspectSince(known.target(), startedAt));
        } catch (FerryException e) {
            return resultOf(request, known.receivedAt(), startedAt, MigrationOutcome.failed(e));
        }
    }

    private void republish(LedgerRecord known) {
        MigrationResult stored = readResult(known.resultJson());
        MigrationResult result = known.publishedAt() == null ? stored : stored.asDuplicate();
        retryingRun("publish a result", () -> publisher.publishResult(result));
        retryingRun("record the publication", () -> ledger.markPublished(known.requestId(), Instant.now()));
        LOG.infof("Request %s seen before: re-published its %s result%s", known.requestId(), result.status(),
                result.duplicate() ? " marked duplicate" : "");
    }

    private void complete(MigrationResult result, boolean forced) {
        String json = publisher.toJson(result);
        retryingRun("record the result", () -> ledger.finish(result, json));
        retryingRun("publish a result", () -> publisher.publishResult(result));
        retryingRun("record the publication", () -> ledger.markPublished(result.requestId(), Instant.now()));
        LOG.infof("Request %s (%s on %s): %s in %d ms", result.requestId(), result.action(), result.target(), result.status(),
                result.durationMs());
        metrics.completed(result);
        for (Alert alert : ResultAlerts.alertsFor(result, forced)) {
            retryingRun("publish an alert", () -> alerts.raise(alert));
        }
    }

    /** Rejects a request that breaks the contract; echoes its fields only as long as the contract allows them. */
    private void rejectUnrecorded(String requestId, JsonNode tree, Instant receivedAt, FerryException refusal) {
        MigrationRequest partial = new MigrationRequest(EventPublisher.clipped(requestId, 128),
                EventPublisher.clipped(text(tree, "action"), 32), EventPublisher.clipped(text(tree, "target"), 128), null, null, null,
                null, null, null, null);
        MigrationResult result = resultOf(partial, receivedAt, receivedAt,
                MigrationOutcome.failed(refusal));
        retryingRun("publish a result", () -> publisher.publishResult(result));
    }

    private MigrationResult resultOf(MigrationRequest request, Instant receivedAt, Instant startedAt, MigrationOutcome outcome) {
        return resultOf(request, receivedAt, startedAt, outcome, null, null, null);
    }

    private MigrationResult resultOf(MigrationRequest request, Instant receivedAt, Instant startedAt, MigrationOutcome outcome,
            BackfillReport backfillReport, ValidationReport validationReport, dev.ferry.drift.DriftReport driftReport) {
        Instant finishedAt = Instant.now();
        FerryException failure = outcome.failure();
        MigrationResult.ErrorInfo error = failure == null ? null
                : new MigrationResult.ErrorInfo(failure.code().name(), failure.getMessage(), failure.migration(),
                        failure.details().isEmpty() ? null : failure.details());
        RequestStatus status = failure == null ? RequestStatus.SUCCEEDED : failure.code().resultStatus();
        return new MigrationResult(request.requestId(), request.action(), request.target(), status, false, receivedAt, startedAt,
                finishedAt, Duration.between(startedAt, finishedAt).toMillis(), outcome.versionBefore(), outcome.versionAfter(),
                outcome.migrations() == null ? java.util.List.of() : outcome.migrations(), outcome.plan(),
                outcome.lint() == null ? java.util.List.of() : outcome.lint(),
                validationReport, backfillReport, driftReport, error, instance);
    }

    private MigrationResult readResult(String json) {
        try {
            return mapper.readValue(json, MigrationResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored result cannot be read back", e);
        }
    }

    private void beat(String requestId) {
        try {
            ledger.heartbeat(requestId, instance, Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf("Heartbeat of %s not recorded: %s", requestId, e.getMessage());
        }
    }

    /**
     * A ledger or broker step, tried again while its failure is transient (an outage delays a request,
     * it never loses it), for at most {@code ferry.requests.transient-retry-for}; any other failure at once.
     */
    private <T> T retrying(String what, Supplier<T> step) {
        return Transient.retry(what, config.transientRetryFor(), step);
    }

    private void retryingRun(String what, Runnable step) {
        retrying(what, () -> {
            step.run();
            return null;
        });
    }

    private static boolean interrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }

    private static String text(JsonNode tree, String field) {
        return tree.path(field).isTextual() ? tree.path(field).asText() : null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
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
