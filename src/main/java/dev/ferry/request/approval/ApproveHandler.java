package dev.ferry.request.approval;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;
import dev.ferry.request.action.ActionHandler;
import dev.ferry.request.action.ActionResult;
import dev.ferry.request.action.ProgressReporter;

/** {@code approve} over Kafka: {@code options.request} names the waiting request; the approver is the record's token. */
@ApplicationScoped
public class ApproveHandler implements ActionHandler {

    private final Approvals approvals;

    public ApproveHandler(Approvals approvals) {
        this.approvals = approvals;
    }

    @Override
    public Action action() {
        return Action.APPROVE;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        approvals.approve(DecisionRecords.decided(request), request.requestedBy(), request.reason());
        return DecisionRecords.done();
    }
}
