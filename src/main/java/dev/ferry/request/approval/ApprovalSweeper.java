package dev.ferry.request.approval;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.ferry.request.RequestLedger;
import dev.ferry.request.RequestsConfig;

/**
 * What no Kafka record brings back, found in the ledger by every instance: waiting requests whose time
 * ran out, and decided ones whose instance stopped while finishing them. Conditional updates make each
 * row one instance's.
 */
@ApplicationScoped
public class ApprovalSweeper {

    private static final Logger LOG = Logger.getLogger(ApprovalSweeper.class);

    private final RequestLedger ledger;
    private final Approvals approvals;
    private final RequestsConfig config;

    public ApprovalSweeper(RequestLedger ledger, Approvals approvals, RequestsConfig config) {
        this.ledger = ledger;
        this.approvals = approvals;
        this.config = config;
    }

    @Scheduled(every = "${ferry.approval.sweep-every:30s}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            Instant now = Instant.now();
            ledger.approvalsExpiredBy(now).forEach(approvals::expire);
            Instant staleBefore = now.minus(config.staleAfter());
            ledger.decidedAndStale(staleBefore).forEach(id -> approvals.finishStale(id, staleBefore));
        } catch (RuntimeException e) {
            LOG.warnf("Approval sweep skipped: %s", e.getMessage()); // the next one tries again
        }
    }
}
