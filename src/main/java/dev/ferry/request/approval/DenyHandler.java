package dev.ferry.request.approval;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;
import dev.ferry.request.action.ActionHandler;
import dev.ferry.request.action.ActionResult;
import dev.ferry.request.action.ProgressReporter;

/** {@code deny} over Kafka: {@code options.request} names the waiting request, {@code reason} says why. */
@ApplicationScoped
public class DenyHandler implements ActionHandler {

    private final Approvals approvals;

    public DenyHandler(Approvals approvals) {
        this.approvals = approvals;
    }

    @Override
    public Action action() {
        return Action.DENY;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        approvals.deny(DecisionRecords.decided(request), request.requestedBy(), request.reason());
        return DecisionRecords.done();
    }
}
