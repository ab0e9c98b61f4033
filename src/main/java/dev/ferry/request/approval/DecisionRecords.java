package dev.ferry.request.approval;

import java.util.List;

import dev.ferry.migration.MigrationOutcome;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.request.MigrationRequest;
import dev.ferry.request.action.ActionResult;

/** What approve and deny records share: the request they decide, and their own result. */
final class DecisionRecords {

    static final String REQUEST_OPTION = "request";

    private DecisionRecords() {
    }

    /** The id of the waiting request a decision record names in {@code options.request}. */
    static String decided(MigrationRequest record) {
        Object id = record.options() == null ? null : record.options().get(REQUEST_OPTION);
        if (!(id instanceof String s) || s.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, record.action() + " needs options.request: the id of the waiting request");
        }
        return s;
    }

    /** A decision record's own result: it was recorded; the decided request has its own result when it is done. */
    static ActionResult done() {
        return ActionResult.of(new MigrationOutcome(null, null, List.of(), null, List.of(), null));
    }
}
