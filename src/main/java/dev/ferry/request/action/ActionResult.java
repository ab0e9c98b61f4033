package dev.ferry.request.action;

import dev.ferry.backfill.BackfillReport;
import dev.ferry.drift.DriftReport;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.validation.ValidationReport;

/** What an action produced: the migration outcome, and a backfill's, a validation's or a drift check's report when it has one. */
public record ActionResult(MigrationOutcome outcome, BackfillReport backfill, ValidationReport validation, DriftReport drift) {

    public static ActionResult of(MigrationOutcome outcome) {
        return new ActionResult(outcome, null, null, null);
    }
}
