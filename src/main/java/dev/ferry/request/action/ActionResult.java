package dev.ferry.request.action;

import dev.ferry.backfill.BackfillReport;
import dev.ferry.drift.DriftReport;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.validation.ValidationReport;

/** What an action produced: the migration outcome, and a backfill's, a validation's or a drift check's report when it has one. */
public record ActionResult(MigrationOutcome outcome, BackfillReport backfill, ValidationReport validation, DriftReport drift) {

    /** Work that goes on after the handler returns (a rollout, driven from the ledger): its result comes later, from elsewhere. */
    public static final ActionResult CONTINUES = new ActionResult(null, null, null, null);

    public static ActionResult of(MigrationOutcome outcome) {
        return new ActionResult(outcome, null, null, null);
    }
}
