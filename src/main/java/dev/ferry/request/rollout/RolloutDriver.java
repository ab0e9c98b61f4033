package dev.ferry.request.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.api.MigrationVersion;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.StartupEvent;

import dev.ferry.alert.Alert;
import dev.ferry.alert.AlertKind;
import dev.ferry.alert.Alerts;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.request.EventPublisher;
import dev.ferry.request.LedgerRecord;
import dev.ferry.request.MigrationRequest;
import dev.ferry.request.MigrationResult;
import dev.ferry.request.RequestFinished;
import dev.ferry.request.RequestLedger;
import dev.ferry.request.RequestRunner;
import dev.ferry.request.RequestsConfig;
import dev.ferry.request.ResultPublication;
import dev.ferry.request.rollout.RolloutStore.State;
import dev.ferry.request.rollout.RolloutStore.TargetState;

/**
 * Drives every rollout from the ledger, one step a tick: it reads which children finished, halts on a
 * failed canary or a spent failure budget, starts the next targets of the current wave (at most
 * {@code maxParallel} at a time; a wave starts when the one before it is done), and publishes the
 * combined result at the end. Each rollout has one driver at a time (its heartbeat is the claim), and
 * any instance takes over one whose driver stopped. A child's id is fixed ({@code <rollout>:<target>})
 * and the consumer runs each id once, so a takeover that publishes a child again runs nothing twice.
 */
@ApplicationScoped
public class RolloutDriver {

    static final String CHILD_SEPARATOR = ":";
    private static final Logger LOG = Logger.getLogger(RolloutDriver.class);

    private final RolloutStore store;
    private final RequestLedger ledger;
    private final EventPublisher publisher;
    private final ResultPublication publication;
    private final RequestRunner runner;
    private final Alerts alerts;
    private final RequestsConfig config;
    private final ObjectMapper mapper;
    /** Rollouts this instance has driven since it started: one it takes over publishes its submitted children again. */
    private final Set<String> drivenHere = ConcurrentHashMap.newKeySet();
    private final Duration driveEvery;
    /** A step asked for out of turn and not yet begun: more children ending meanwhile need no second one. */
    private final AtomicBoolean stepAsked = new AtomicBoolean();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "ferry-rollout-driver");
        thread.setDaemon(true);
        return thread;
    });

    public RolloutDriver(RolloutStore store, RequestLedger ledger, EventPublisher publisher, ResultPublication publication, RequestRunner runner,
            Alerts alerts, RequestsConfig config, ObjectMapper mapper,
            @ConfigProperty(name = "ferry.rollouts.drive-every", defaultValue = "0.2s") Duration driveEvery) {
        this.driveEvery = driveEvery;
        this.store = store;
        this.ledger = ledger;
        this.publisher = publisher;
        this.publication = publication;
        this.runner = runner;
        this.alerts = alerts;
        this.config = config;
        this.mapper = mapper;
    }

    /** The id of a rollout's child request for one target. */
    public static String childId(String rolloutId, String target) {
        return rolloutId + CHILD_SEPARATOR + target;
    }

    /**
     * Steps on a thread of its own: Quarkus's scheduler looks at its triggers once a second, and a
     * rollout waits one step per target (to see a child done, and start the next), so a second there
     * was most of a small target's time (RolloutBenchmarkIT).
     */
    void start(@Observes StartupEvent started) {
        long every = Math.max(10, driveEvery.toMillis());
        ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * A child that ended on this instance: its rollout steps now rather than at the next tick, so the next
     * target starts without waiting up to {@code drive-every} (children ending on another instance wait
     * for the tick).
     */
    void childFinished(@Observes RequestFinished finished) {
        if (finished.requestId().contains(CHILD_SEPARATOR) && stepAsked.compareAndSet(false, true)) {
            try {
                ticker.execute(this::tick);
            } catch (RejectedExecutionException e) {
                stepAsked.set(false); // shutting down
            }
        }
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
    }

    void tick() {
        stepAsked.set(false);
        try {
            Instant now = Instant.now();
            for (String id : store.active()) {
                if (store.claim(id, runner.instance(), now, now.minus(config.staleAfter()))) {
                    step(id);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("Rollout step skipped: %s", e.getMessage()); // the next tick tries again
        } catch (Error e) {
            LOG.errorf(e, "Rollout driving stopped on this instance"); // another instance takes the rollouts over
            throw e;
        }
    }

    /** One step of one rollout; public for tests that drive it by hand. */
    void step(String id) {
        RolloutStore.Rollout rollout = store.find(id).orElseThrow();
        ledger.driving(id, runner.instance(), Instant.now());
        RolloutOptions options = RolloutOptions.of(readOptions(rollout.options()));
        boolean takenOver = drivenHere.add(id);
        List<RolloutStore.Target> targets = store.targets(id);
        for (RolloutStore.Target t : targets) {
            if (t.state() == TargetState.SUBMITTED) {
                Optional<LedgerRecord> child = ledger.find(childId(id, t.target()));
                if (child.isPresent() && child.get().status().isFinal()) {
                    finished(rollout, t, child.get());
                } else if (child.isEmpty() && takenOver) {
                    submit(rollout, t.target()); // its publication may have been lost with the driver before
                }
            }
        }
        targets = store.targets(id);
        long failed = targets.stream().filter(t -> t.state().failed()).count();
        boolean canaryFailed = targets.stream().anyMatch(t -> t.wave() == 0 && t.state().failed());
        if (rollout.state() == State.RUNNING || rollout.state() == State.PAUSED) {
            String why = canaryFailed ? "the canary failed" : failed > options.toleratedFailures(targets.size()) ? failed + " targets failed,"
                    + " more than the failure budget of " + options.toleratedFailures(targets.size()) : null;
            if (why != null && store.move(id, State.HALTING, why, State.RUNNING, State.PAUSED)) {
                LOG.warnf("Rollout %s halts: %s", id, why);
                alerts.raise(Alert.of(AlertKind.ROLLOUT_HALTED, rollout.group(), id, "Rollout " + id + " over " + rollout.group() + " halted: "
                        + why, Map.of("failed", targets.stream().filter(t -> t.state().failed()).map(RolloutStore.Target::target).toList())));
                rollout = store.find(id).orElseThrow();
            }
        }
        long inFlight = targets.stream().filter(t -> t.state() == TargetState.SUBMITTED).count();
        if (rollout.state() == State.RUNNING) {
            int wave = targets.stream().filter(t -> !t.state().finished()).mapToInt(RolloutStore.Target::wave).min().orElse(-1);
            for (RolloutStore.Target t : targets) {
                if (inFlight >= options.maxParallel()) {
                    break;
                }
                if (t.wave() == wave && t.state() == TargetState.PENDING) {
                    store.targetState(id, t.target(), TargetState.SUBMITTED, null, null);
                    submit(rollout, t.target());
                    inFlight++;
                }
            }
        }
        targets = store.targets(id);
        boolean allDone = targets.stream().allMatch(t -> t.state().finished());
        boolean stoppedAndSettled = (rollout.state() == State.HALTING || rollout.state() == State.ABORTING)
                && targets.stream().noneMatch(t -> t.state() == TargetState.SUBMITTED);
        RolloutReport report = report(rollout, targets);
        // The event stream's progress: the state and the counts (GET /api/rollouts/{id} has every target).
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("rollout", report.state());
        progress.put("counts", report.counts());
        progress.put("targets", report.targets().size());
        ledger.progress(id, json(progress));
        if ((allDone || stoppedAndSettled) && store.move(id, State.DONE, null, State.RUNNING, State.PAUSED, State.HALTING, State.ABORTING)) {
            publishResult(rollout, report);
            drivenHere.remove(id);
        }
    }

    /** Pauses a running rollout: targets already started finish, no new one starts. */
    public RolloutReport pause(String id) {
        return change(id, State.PAUSED, State.RUNNING);
    }

    public RolloutReport resume(String id) {
        return change(id, State.RUNNING, State.PAUSED);
    }

    /** Aborts a rollout: targets already started finish, the others are left untouched, and the result says so. */
    public RolloutReport abort(String id) {
        return change(id, State.ABORTING, State.RUNNING, State.PAUSED);
    }

    public Optional<RolloutReport> report(String id) {
        return store.find(id).map(r -> report(r, store.targets(id)));
    }

    private RolloutReport change(String id, State to, State... from) {
        RolloutStore.Rollout rollout = store.find(id).orElseThrow(() -> new FerryException(ErrorCode.ROLLOUT_NOT_FOUND, "No rollout " + id));
        if (!store.move(id, to, to == State.ABORTING ? "aborted by an operator" : null, from)) {
            throw new FerryException(ErrorCode.ROLLOUT_STATE_CONFLICT, "Rollout " + id + " is " + rollout.state() + "; "
                    + to.name().toLowerCase() + " needs it " + java.util.Arrays.toString(from));
        }
        return report(id).orElseThrow();
    }

    private void finished(RolloutStore.Rollout rollout, RolloutStore.Target t, LedgerRecord child) {
        MigrationResult result = readResult(child.resultJson());
        TargetState state = switch (child.status()) {
            case SUCCEEDED -> nothingToDo(rollout, result) ? TargetState.SKIPPED : TargetState.SUCCEEDED;
            case REJECTED -> TargetState.REJECTED;
            default -> TargetState.FAILED;
        };
        store.targetState(rollout.id(), t.target(), state, result == null ? null : result.versionAfter(),
                result == null || result.error() == null ? null : result.error().code());
    }

    /** A target already at (or, for a revert, at or below) the version: the child ran nothing. */
    private static boolean nothingToDo(RolloutStore.Rollout rollout, MigrationResult result) {
        if (result == null || result.migrations() != null && !result.migrations().isEmpty()) {
            return false;
        }
        if (rollout.toVersion() == null || result.versionBefore() == null) {
            return result != null && java.util.Objects.equals(result.versionBefore(), result.versionAfter());
        }
        int compared = MigrationVersion.fromVersion(result.versionBefore()).compareTo(MigrationVersion.fromVersion(rollout.toVersion()));
        return rollout.action().equals("revert") ? compared <= 0 : compared >= 0;
    }

    private void submit(RolloutStore.Rollout rollout, String target) {
        MigrationRequest child = new MigrationRequest(childId(rollout.id(), target), rollout.action(), target, rollout.toVersion(), null, false,
                false, null, rollout.requestedBy(), "rollout " + rollout.id() + " over " + rollout.group());
        publisher.publishRolloutChild(child, rollout.id());
    }

    private void publishResult(RolloutStore.Rollout rollout, RolloutReport report) {
        RolloutStore.Rollout ended = store.find(rollout.id()).orElseThrow();
        LedgerRecord own = ledger.find(rollout.id()).orElseThrow();
        MigrationRequest request = new MigrationRequest(rollout.id(), "rollout", rollout.group(), rollout.toVersion(), null, false, false,
                readOptions(rollout.options()), rollout.requestedBy(), own.reason());
        long failed = report.counts().getOrDefault(TargetState.FAILED.name(), 0L) + report.counts().getOrDefault(TargetState.REJECTED.name(), 0L);
        FerryException failure = rollout.state() == State.ABORTING ? new FerryException(ErrorCode.ROLLOUT_ABORTED, "Rollout aborted by an"
                + " operator; " + report.counts().getOrDefault(TargetState.PENDING.name(), 0L) + " targets left untouched")
                : rollout.state() == State.HALTING ? new FerryException(ErrorCode.ROLLOUT_HALTED, "Rollout halted: " + ended.haltedBecause()
                        + "; " + report.counts().getOrDefault(TargetState.PENDING.name(), 0L) + " targets left untouched")
                : failed > 0 ? new FerryException(ErrorCode.ROLLOUT_TARGETS_FAILED, failed + " of " + report.targets().size()
                        + " targets failed, within the failure budget") : null;
        MigrationOutcome outcome = new MigrationOutcome(null, rollout.toVersion(), List.of(), null, List.of(), failure);
        RolloutReport finalReport = report(ended, store.targets(rollout.id()));
        MigrationResult result = runner.resultOf(request, own.receivedAt(), own.startedAt() == null ? own.receivedAt() : own.startedAt(),
                outcome).withRollout(finalReport);
        publication.complete(result, false);
    }

    private RolloutReport report(RolloutStore.Rollout rollout, List<RolloutStore.Target> targets) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<TargetState, Long> byState = new EnumMap<>(TargetState.class);
        targets.forEach(t -> byState.merge(t.state(), 1L, Long::sum));
        byState.forEach((state, n) -> counts.put(state.name(), n));
        List<RolloutReport.TargetEntry> entries = targets.stream().map(t -> new RolloutReport.TargetEntry(t.target(), t.wave(), t.state().name(),
                t.state() == TargetState.PENDING ? null : childId(rollout.id(), t.target()), t.versionAfter(), t.errorCode())).toList();
        Instant end = rollout.finishedAt() == null ? Instant.now() : rollout.finishedAt();
        return new RolloutReport(rollout.id(), rollout.group(), rollout.action(), rollout.toVersion(), readOptions(rollout.options()),
                rollout.state().name(), rollout.haltedBecause(), counts, entries, Duration.between(rollout.createdAt(), end).toMillis());
    }

    private Map<String, Object> readOptions(String json) {
        try {
            return mapper.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A rollout's options cannot be read back", e);
        }
    }

    private MigrationResult readResult(String json) {
        try {
            return json == null ? null : mapper.readValue(json, MigrationResult.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
