package dev.ferry.request.action;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.backfill.BackfillOptions;
import dev.ferry.backfill.UserAuthIdBackfill;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;

/** {@code backfill}: the user-authId job against Kratos, with progress after every batch. */
@ApplicationScoped
public class BackfillHandler implements ActionHandler {

    private final UserAuthIdBackfill backfill;

    public BackfillHandler(UserAuthIdBackfill backfill) {
        this.backfill = backfill;
    }

    @Override
    public Action action() {
        return Action.BACKFILL;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        BackfillOptions options = BackfillOptions.from(request.options(), request.isDryRun());
        UserAuthIdBackfill.Outcome done = backfill.run(request.target(), request.requestId(), options, progress::report);
        return new ActionResult(new MigrationOutcome(null, null, List.of(), null, List.of(), done.failure()), done.report(), null, null);
    }
}
