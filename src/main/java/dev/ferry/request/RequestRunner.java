package dev.ferry.request;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import dev.ferry.RequestStatus;
import dev.ferry.backfill.BackfillReport;
import dev.ferry.drift.DriftReport;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.migration.PlannedScript;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.request.action.ActionHandler;
import dev.ferry.request.action.ActionResult;
import dev.ferry.request.approval.ApprovalGate;
import dev.ferry.request.approval.ApprovalState;
import dev.ferry.request.approval.Approvals;
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
    private final ApprovalGate gate;
    private final Approvals approvals;
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
            RequestsConfig config, ApprovalGate gate, Approvals approvals) {
        this.ledger = ledger;
        this.gate = gate;
        this.approvals = approvals;
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
    public boolean takeOver(String requestId, Instant staleBefore, Instant now) {
        return retry.call("take over a stale request", () -> ledger.takeOver(requestId, staleBefore, instance, now));
    }

    /**
     * Runs the request's action; every failure ends as a result. A request its target's approval policy
     * makes wait is parked instead: its result has status AWAITING_APPROVAL and is not to be published.
     */
    public MigrationResult run(MigrationRequest request, Instant receivedAt) {
        return run(request, receivedAt, null);
    }

    /**
     * Runs a request an approver approved, if what it would run is still what was approved (the same
     * version before, the same scripts); otherwise the approval is void and the request is parked again
     * with its new plan.
     */
    public MigrationResult runApproved(MigrationRequest request, Instant receivedAt, ApprovalState approved) {
        return run(request, receivedAt, approved);
    }

    /** The result of a request refused before it ran (an approver denied it, nobody decided in time). */
    public MigrationResult refusal(MigrationRequest request, Instant receivedAt, FerryException why) {
        return resultOf(request, receivedAt, Instant.now(), MigrationOutcome.failed(why));
    }

    private MigrationResult run(MigrationRequest asked, Instant receivedAt, ApprovalState approved) {
        Instant startedAt = Instant.now();
        long every = config.heartbeatInterval().toMillis();
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> beat(asked.requestId()), every, every, TimeUnit.MILLISECONDS);
        MigrationRequest request = asked;
        try {
            Action action = validator.validate(request);
            ActionHandler handler = handlers.get(action);
            Function<MigrationRequest, MigrationOutcome> planner = dryRun -> handler.handle(dryRun, progress -> { }).outcome();
            if (approved == null) {
                Optional<ApprovalState> wait = gate.mustWait(request, action, planner);
                if (wait.isPresent()) {
                    return parked(request, receivedAt, startedAt, wait.get());
                }
            } else {
                MigrationOutcome now = planner.apply(ApprovalGate.dryRunOf(request));
                if (!ApprovalGate.fingerprint(now).equals(approved.fingerprint())) {
                    String why = "approved by " + approved.decidedBy() + " at " + approved.decidedAt() + ", void: " + changed(approved, now);
                    LOG.infof("Request %s: %s", request.requestId(), why);
                    Optional<ApprovalState> wait = gate.mustWait(request, action, dryRun -> now);
                    if (wait.isPresent()) {
                        return parked(request, receivedAt, startedAt, wait.get().replanned(approved, why));
                    }
                } else if (approved.approvesPastRefusals()) {
                    request = forced(request); // approved in the place of force: past the findings it was parked for
                }
            }
            MigrationRequest running = request;
            ActionResult done = handler.handle(running, progress -> recordProgress(running.requestId(), progress));
            if (done.outcome() == null) { // it goes on (a rollout's driver publishes its result): nothing to publish now
                return new MigrationResult(request.requestId(), request.action(), request.target(), RequestStatus.RUNNING, false, receivedAt,
                        startedAt, null, null, null, null, List.of(), null, List.of(), null, null, null, null, instance, null, null);
            }
            return resultOf(request, receivedAt, startedAt, done.outcome(), done.backfill(), done.validation(), done.drift())
                    .withApproval(approved);
        } catch (FerryException e) {
            return resultOf(request, receivedAt, startedAt, MigrationOutcome.failed(e)).withApproval(approved);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Request %s failed unexpectedly", request.requestId());
            FerryException internal = new FerryException(ErrorCode.INTERNAL_ERROR, "Unexpected error: " + e.getClass().getSimpleName());
            return resultOf(request, receivedAt, startedAt, MigrationOutcome.failed(internal)).withApproval(approved);
        } finally {
            beat.cancel(false);
        }
    }

    /** Parks the request; what is returned says so and is never published (the approvals topic carries the plan). */
    private MigrationResult parked(MigrationRequest request, Instant receivedAt, Instant startedAt, ApprovalState waiting) {
        approvals.park(request, waiting);
        return new MigrationResult(request.requestId(), request.action(), request.target(), RequestStatus.AWAITING_APPROVAL, false, receivedAt,
                startedAt, null, null, waiting.versionBefore(), waiting.versionBefore(), List.of(), waiting.plan(), waiting.lint(), null, null,
                null, null, instance, waiting.summary(), null);
    }

    /** What makes a plan differ from the approved one: the version it starts from, or its scripts. */
    private static String changed(ApprovalState approved, MigrationOutcome now) {
        if (!java.util.Objects.equals(approved.versionBefore(), now.versionBefore())) {
            return "the target moved from version " + approved.versionBefore() + " to " + now.versionBefore();
        }
        Map<String, String> before = scripts(approved.plan());
        Map<String, String> after = scripts(now.plan());
        List<String> differing = new java.util.ArrayList<>();
        after.forEach((script, sql) -> {
            if (!sql.equals(before.get(script))) {
                differing.add(script + (before.containsKey(script) ? " changed" : " is new"));
            }
        });
        before.keySet().stream().filter(s -> !after.containsKey(s)).forEach(s -> differing.add(s + " is gone"));
        return "the plan's scripts differ: " + String.join(", ", differing);
    }

    private static Map<String, String> scripts(List<PlannedScript> plan) {
        Map<String, String> scripts = new java.util.LinkedHashMap<>();
        (plan == null ? List.<PlannedScript> of() : plan).forEach(p -> scripts.put(p.script(), String.valueOf(p.sql())));
        return scripts;
    }

    private static MigrationRequest forced(MigrationRequest r) {
        return new MigrationRequest(r.requestId(), r.action(), r.target(), r.toVersion(), r.steps(), r.dryRun(), true, r.options(),
                r.requestedBy(), r.reason());
    }

    public MigrationResult resultOf(MigrationRequest request, Instant receivedAt, Instant startedAt, MigrationOutcome outcome) {
        return resultOf(request, receivedAt, startedAt, outcome, null, null, null);
    }

    private MigrationResult resultOf(MigrationRequest request, Instant receivedAt, Instant startedAt, MigrationOutcome outcome,
            BackfillReport backfillReport, ValidationReport validationReport, DriftReport driftReport) {
        Instant finishedAt = Instant.now();
        FerryException failure = outcome.failure();
        MigrationResult.ErrorInfo error = failure == null ? null
                : new MigrationResult.ErrorInfo(failure.code().name(), failure.getMessage(), failure.migration(),
                        failure.details().isEmpty() ? null : failure.details());
        // A refusal whose code has no result status of its own (FORBIDDEN, NOT_FOUND...) is a rejection: nothing ran.
        RequestStatus status = failure == null ? RequestStatus.SUCCEEDED : failure.status() == null ? RequestStatus.REJECTED : failure.status();
        return new MigrationResult(request.requestId(), request.action(), request.target(), status, false, receivedAt, startedAt,
                finishedAt, Duration.between(startedAt, finishedAt).toMillis(), outcome.versionBefore(), outcome.versionAfter(),
                outcome.migrations() == null ? List.of() : outcome.migrations(), outcome.plan(),
                outcome.lint() == null ? List.of() : outcome.lint(),
                validationReport, backfillReport, driftReport, error, instance, null, null);
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
