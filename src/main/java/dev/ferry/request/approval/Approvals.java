package dev.ferry.request.approval;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;

import dev.ferry.RequestStatus;
import dev.ferry.alert.Alert;
import dev.ferry.alert.AlertKind;
import dev.ferry.alert.Alerts;
import dev.ferry.migration.PlannedScript;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.request.BoundedRetry;
import dev.ferry.request.EventPublisher;
import dev.ferry.request.LedgerRecord;
import dev.ferry.request.MigrationRequest;
import dev.ferry.request.MigrationResult;
import dev.ferry.request.RequestLedger;
import dev.ferry.request.RequestRunner;
import dev.ferry.request.RequestsConfig;
import dev.ferry.request.ResultPublication;

/**
 * Requests that wait for a second person: parking them (ledger, event, alert), the decisions (four
 * eyes, one decision per request, whoever gets there first), and finishing them. Everything is in the
 * ledger, so any instance can decide, expire or finish a request another instance parked.
 */
@ApplicationScoped
public class Approvals {

    private static final Logger LOG = Logger.getLogger(Approvals.class);

    private final RequestLedger ledger;
    private final RequestRunner runner;
    private final ResultPublication publication;
    private final EventPublisher publisher;
    private final Alerts alerts;
    private final MeterRegistry metrics;
    private final ObjectMapper mapper;
    private final BoundedRetry retry;
    /** Approved requests run here, apart from the consumer: their records were acknowledged when they were parked. */
    private final ExecutorService approvedRuns = Executors.newFixedThreadPool(2, r -> {
        Thread thread = new Thread(r, "ferry-approved");
        thread.setDaemon(true);
        return thread;
    });

    public Approvals(RequestLedger ledger, RequestRunner runner, ResultPublication publication, EventPublisher publisher, Alerts alerts,
            MeterRegistry metrics, ObjectMapper mapper, RequestsConfig config) {
        this.ledger = ledger;
        this.runner = runner;
        this.publication = publication;
        this.publisher = publisher;
        this.alerts = alerts;
        this.metrics = metrics;
        this.mapper = mapper;
        this.retry = new BoundedRetry(config);
    }

    /** Parks a request this instance was running: it waits in the ledger, its plan goes out as an event, and an alert says so. */
    public void park(MigrationRequest request, ApprovalState waiting) {
        if (!retry.call("park a request", () -> ledger.park(request.requestId(), json(waiting), waiting.expiresAt()))) {
            LOG.warnf("Request %s was not RUNNING here any more; not parked", request.requestId());
            return;
        }
        ApprovalEvent event = ApprovalEvent.of(request.requestId(), request.action(), request.target(), waiting);
        retry.run("publish an approval event", () -> publisher.publishApproval(request.target(), fitted(event)));
        retry.run("publish an alert", () -> alerts.raise(Alert.of(AlertKind.APPROVAL_REQUIRED, request.target(), request.requestId(),
                request.action() + " on " + request.target() + " waits for an approver: " + String.join("; ", waiting.reasons()),
                Map.of("requestedBy", String.valueOf(waiting.requestedBy()), "reasons", waiting.reasons(), "expiresAt",
                        String.valueOf(waiting.expiresAt()), "plan", waiting.plan() == null ? List.of()
                                : waiting.plan().stream().map(PlannedScript::script).toList()))));
        count(waiting.voided() == null ? "parked" : "voided");
        LOG.infof("Request %s (%s on %s) waits for an approver: %s", request.requestId(), request.action(), request.target(),
                waiting.reasons());
    }

    /** Approves a waiting request; it then runs on this instance, through the normal path (target lock, lint, result). */
    public LedgerRecord approve(String requestId, String approver, String note) {
        LedgerRecord row = waiting(requestId, approver);
        ApprovalState decided = state(row).decided(ApprovalState.Decision.APPROVED, approver, Instant.now(), note);
        decide(row, decided);
        count("approved");
        approvedRuns.execute(() -> finishApproved(row, decided));
        return ledger.find(requestId).orElseThrow();
    }

    /** Denies a waiting request: it ends REJECTED / DENIED, with who denied it and why. */
    public LedgerRecord deny(String requestId, String approver, String note) {
        if (note == null || note.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "A denial needs a reason");
        }
        LedgerRecord row = waiting(requestId, approver);
        ApprovalState decided = state(row).decided(ApprovalState.Decision.DENIED, approver, Instant.now(), note);
        decide(row, decided);
        count("denied");
        end(row, decided);
        return ledger.find(requestId).orElseThrow();
    }

    /** Ends a request nobody decided in time; another instance may have got there first. */
    void expire(String requestId) {
        LedgerRecord row = ledger.find(requestId).orElse(null);
        if (row == null || row.status() != RequestStatus.AWAITING_APPROVAL) {
            return;
        }
        ApprovalState state = state(row);
        ApprovalState expired = state.decided(ApprovalState.Decision.EXPIRED, null, Instant.now(), "no approver decided before "
                + state.expiresAt());
        if (ledger.decide(requestId, json(expired), runner.instance(), Instant.now())) {
            count("expired");
            end(row, expired);
        }
    }

    /**
     * Finishes a decided request whose instance stopped (its heartbeat went stale): an approved one runs
     * again from its plan (void, and so parked again, if anything of it had run), a denied or expired
     * one gets its result, and one caught between states waits again.
     */
    void finishStale(String requestId, Instant staleBefore) {
        if (!runner.takeOver(requestId, staleBefore, Instant.now())) {
            return;
        }
        LedgerRecord row = ledger.find(requestId).orElseThrow();
        ApprovalState state = state(row);
        LOG.warnf("Request %s was left %s by %s; finishing it", requestId, state.decision() == null ? "half-parked" : state.decision(),
                row.instance());
        if (state.decision() == null) {
            retry.call("park a request again", () -> ledger.park(requestId, row.approval(), state.expiresAt()));
        } else if (state.decision() == ApprovalState.Decision.APPROVED) {
            approvedRuns.execute(() -> finishApproved(row, state));
        } else {
            end(row, state);
        }
    }

    private void finishApproved(LedgerRecord row, ApprovalState approved) {
        try {
            MigrationRequest request = request(row);
            MigrationResult result = runner.runApproved(request, row.receivedAt(), approved);
            if (result.status() != RequestStatus.AWAITING_APPROVAL) {
                publication.complete(result, request.isForced() || approved.approvesPastRefusals());
            }
        } catch (RuntimeException e) {
            // The row stays RUNNING; once its heartbeat is stale, the sweeper of any instance finishes it.
            LOG.errorf(e, "Approved request %s could not be finished here", row.requestId());
        }
    }

    /** A denied or expired request's result. */
    private void end(LedgerRecord row, ApprovalState decided) {
        FerryException why = decided.decision() == ApprovalState.Decision.DENIED
                ? new FerryException(ErrorCode.DENIED, "Denied by " + decided.decidedBy() + ": " + decided.note())
                : new FerryException(ErrorCode.APPROVAL_EXPIRED, "No approver decided before " + decided.expiresAt() + "; nothing ran");
        publication.complete(runner.refusal(request(row), row.receivedAt(), why).withApproval(decided), false);
    }

    private LedgerRecord waiting(String requestId, String approver) {
        LedgerRecord row = ledger.find(requestId).orElseThrow(() -> new FerryException(ErrorCode.REQUEST_NOT_FOUND,
                "No request with id " + requestId + " has been received"));
        if (row.status() != RequestStatus.AWAITING_APPROVAL) {
            throw new FerryException(ErrorCode.NOT_AWAITING_APPROVAL, "Request " + requestId + " is " + row.status()
                    + ", not waiting for approval");
        }
        if (approver == null || approver.equals(row.requestedBy())) {
            throw new FerryException(ErrorCode.FORBIDDEN, "Request " + requestId + " was requested by " + row.requestedBy()
                    + ": another approver must decide it (four eyes)");
        }
        return row;
    }

    private void decide(LedgerRecord row, ApprovalState decided) {
        if (!retry.call("record a decision", () -> ledger.decide(row.requestId(), json(decided), runner.instance(), Instant.now()))) {
            throw new FerryException(ErrorCode.NOT_AWAITING_APPROVAL, "Request " + row.requestId() + " was decided meanwhile");
        }
    }

    private MigrationRequest request(LedgerRecord row) {
        try {
            return mapper.readValue(row.payload(), MigrationRequest.class).requestedBy(row.requestedBy());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The stored request " + row.requestId() + " cannot be read back", e);
        }
    }

    private ApprovalState state(LedgerRecord row) {
        try {
            return mapper.readValue(row.approval(), ApprovalState.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("The approval of " + row.requestId() + " cannot be read back", e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The event, without the scripts' SQL if the whole would not fit one record (the ledger keeps the full plan). */
    private String fitted(ApprovalEvent event) {
        String whole = json(event);
        if (whole.length() <= EventPublisher.maxEventChars() || event.plan() == null) {
            return whole;
        }
        List<PlannedScript> plan = event.plan().stream().map(p -> new PlannedScript(p.version(), p.description(), p.script(), "-- "
                + (p.sql() == null ? 0 : p.sql().length()) + " characters omitted; GET /api/requests/" + event.requestId() + " has them"))
                .toList();
        return json(new ApprovalEvent(event.requestId(), event.action(), event.target(), event.requestedBy(), event.reasons(),
                event.versionBefore(), plan, event.lint(), event.parkedAt(), event.expiresAt(), event.voided(), event.approveAt(),
                event.denyAt()));
    }

    private void count(String outcome) {
        metrics.counter("ferry.approvals", "outcome", outcome).increment();
    }

    @PreDestroy
    void stop() {
        approvedRuns.shutdownNow();
    }
}
