package dev.ferry.request;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

import dev.ferry.RequestStatus;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.migration.MigrationRunner;
import dev.ferry.problem.FerryException;
import dev.ferry.request.approval.ApprovalGate;

/**
 * Answers a request id the ledger knows already: a different payload under it is refused; a finished
 * one has its result published again; a live owner is waited for; a dead owner's run is finished
 * honestly by this instance.
 */
@ApplicationScoped
public class KnownRequests {

    private static final Logger LOG = Logger.getLogger(KnownRequests.class);

    private final RequestLedger ledger;
    private final ObjectMapper mapper;
    private final MigrationRunner migrations;
    private final RequestRunner requests;
    private final ResultPublication publication;
    private final RequestsConfig config;
    private final BoundedRetry retry;
    private final ApprovalGate gate;

    public KnownRequests(RequestLedger ledger, ObjectMapper mapper, MigrationRunner migrations, RequestRunner requests,
            ResultPublication publication, RequestsConfig config, ApprovalGate gate) {
        this.gate = gate;
        this.ledger = ledger;
        this.mapper = mapper;
        this.migrations = migrations;
        this.requests = requests;
        this.publication = publication;
        this.config = config;
        this.retry = new BoundedRetry(config);
    }

    void answer(MigrationRequest request, Instant receivedAt) {
        // The same id asking for other work would otherwise be answered with the first request's result.
        List<String> differences = SameRequest.differences(known(request).payload(), request, mapper);
        if (!differences.isEmpty()) {
            LOG.warnf("Request %s re-sent with a different %s: refused", request.requestId(), differences);
            publication.publishUnrecorded(requests.resultOf(request, receivedAt, receivedAt,
                    MigrationOutcome.failed(SameRequest.conflict(request.requestId(), differences))));
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
        if (known.status() == RequestStatus.AWAITING_APPROVAL || known.status() == RequestStatus.RUNNING
                && (known.approval() != null || Action.ROLLOUT.wireName().equals(known.action()))) {
            // Parked, decided and being finished, or a rollout: the ledger drives it now (ApprovalSweeper, RolloutDriver), not this record.
            LOG.infof("Request %s seen again while it %s", request.requestId(), known.status() == RequestStatus.AWAITING_APPROVAL
                    ? "waits for approval" : "is driven from the ledger");
            return true;
        }
        if (known.status().isFinal()) {
            // Finished a moment ago but not yet marked published: after a rebalance its owner may be
            // publishing it right now, and a second original would follow. Give the owner its time.
            if (known.publishedAt() == null && known.finishedAt() != null && known.finishedAt().isAfter(staleBefore)) {
                throw new OwnerAtWork();
            }
            publication.republish(known);
            return true;
        }
        boolean stale = known.heartbeatAt() == null || known.heartbeatAt().isBefore(staleBefore);
        if (stale && requests.takeOver(request.requestId(), staleBefore, now)) {
            LOG.warnf("Request %s was left RUNNING by %s; finishing it honestly", request.requestId(), known.instance());
            MigrationResult result = recover(request, known);
            if (result.status() != RequestStatus.AWAITING_APPROVAL) {
                publication.complete(result, request.isForced());
            }
            return true;
        }
        throw new OwnerAtWork();
    }

    /**
     * Read-only work is simply run again, and so is a backfill, which continues with the users still
     * unlinked; a schema change is reported from the target's own history.
     */
    private MigrationResult recover(MigrationRequest request, LedgerRecord known) {
        Optional<Action> action = Action.fromWire(known.action());
        if (action.isEmpty() || !action.get().changesTarget() || request.isDryRun() || action.get() == Action.BACKFILL) {
            return requests.run(request, known.receivedAt());
        }
        // It would have been parked before it changed anything: plan it again, and park it (or run it, if it need not wait).
        if (gate.waitsWhateverThePlan(request, action.get())) {
            return requests.run(request, known.receivedAt());
        }
        Instant startedAt = known.startedAt() == null ? known.receivedAt() : known.startedAt();
        try {
            return requests.resultOf(request, known.receivedAt(), startedAt, migrations.inspectSince(known.target(), startedAt));
        } catch (FerryException e) {
            return requests.resultOf(request, known.receivedAt(), startedAt, MigrationOutcome.failed(e));
        }
    }

    private LedgerRecord known(MigrationRequest request) {
        return retry.call("read the ledger", () -> ledger.find(request.requestId()))
                .orElseThrow(() -> new IllegalStateException("Request " + request.requestId() + " vanished from the ledger"));
    }

    /** The request's owner is still working on it, or publishing its result. */
    private static final class OwnerAtWork extends RuntimeException {
        OwnerAtWork() {
            super("the owner is still at work", null, false, false);
        }
    }
}
