package dev.ferry.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.ferry.RequestStatus;
import dev.ferry.alert.Alert;
import dev.ferry.backfill.BackfillReport;
import dev.ferry.lint.LintFinding;
import dev.ferry.lint.LintSeverity;

class ResultAlertsTest {

    private static final LintFinding BLOCKING = new LintFinding("V5__drop.sql", 3, "drop-table", LintSeverity.BLOCK, "drops a table", null, null);
    private static final LintFinding WAIVED = new LintFinding("V5__drop.sql", 4, "drop-column", LintSeverity.BLOCK, "drops", true, "unused");

    @Test
    void aSuccessNeedsNoAlert() {
        assertThat(ResultAlerts.alertsFor(result(RequestStatus.SUCCEEDED, null, List.of(), null), false)).isEmpty();
    }

    @Test
    void aFailureIsCriticalAndCarriesItsCodeScriptAndBlockers() {
        MigrationResult.ErrorInfo error = new MigrationResult.ErrorInfo("DDL_LOCK_TIMEOUT", "table held", "V5__drop.sql",
                Map.of("blockers", List.of("thread 12"), "statement", "ALTER TABLE t ..."));
        List<Alert> alerts = ResultAlerts.alertsFor(result(RequestStatus.FAILED, error, List.of(), null), false);
        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo("request-failed");
            assertThat(alert.severity()).isEqualTo(Alert.Severity.critical);
            assertThat(alert.summary()).isEqualTo("migrate on alkemio failed: DDL_LOCK_TIMEOUT");
            assertThat(alert.details()).containsEntry("migration", "V5__drop.sql").containsEntry("blockers", List.of("thread 12"))
                    .doesNotContainKey("statement");
        });
    }

    @Test
    void aValidationMismatchHasItsOwnKind() {
        MigrationResult.ErrorInfo error = new MigrationResult.ErrorInfo("VALIDATION_FAILED", "differs", null, null);
        assertThat(ResultAlerts.alertsFor(result(RequestStatus.FAILED, error, List.of(), null), false)).extracting(Alert::kind)
                .containsExactly("validation-mismatch");
    }

    @Test
    void aForcedRunPastUnwaivedBlockingFindingsWarnsButNotWhenRefusedOrPlanned() {
        List<Alert> alerts = ResultAlerts.alertsFor(result(RequestStatus.SUCCEEDED, null, List.of(BLOCKING, WAIVED), null), true);
        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo("forced-run");
            assertThat(alert.severity()).isEqualTo(Alert.Severity.warning);
            assertThat(alert.details()).containsEntry("overridden", List.of("V5__drop.sql:3 drop-table"));
        });
        assertThat(ResultAlerts.alertsFor(result(RequestStatus.SUCCEEDED, null, List.of(WAIVED), null), true)).isEmpty();
        assertThat(ResultAlerts.alertsFor(result(RequestStatus.REJECTED, null, List.of(BLOCKING), null), true)).isEmpty();
        assertThat(ResultAlerts.alertsFor(result(RequestStatus.SUCCEEDED, null, List.of(BLOCKING), null), false)).isEmpty();
    }

    @Test
    void aBackfillLeavingUsersUnlinkedWarnsUnlessItWasADryRun() {
        BackfillReport unlinked = new BackfillReport("user-authid", "run-7", false, 10, 8, 2, Map.of("missing", 2L), 100, 100.0);
        assertThat(ResultAlerts.alertsFor(result(RequestStatus.SUCCEEDED, null, List.of(), unlinked), false)).singleElement()
                .satisfies(alert -> {
                    assertThat(alert.kind()).isEqualTo("backfill-unresolved");
                    assertThat(alert.summary()).contains("left 2 of 10 users unlinked");
                    assertThat(alert.details()).containsEntry("failedByReason", Map.of("missing", 2L));
                });
        BackfillReport dry = new BackfillReport("user-authid", "run-8", true, 10, 8, 2, Map.of("missing", 2L), 100, 100.0);
        assertThat(ResultAlerts.alertsFor(result(RequestStatus.SUCCEEDED, null, List.of(), dry), false)).isEmpty();
    }

    private static MigrationResult result(RequestStatus status, MigrationResult.ErrorInfo error, List<LintFinding> lint, BackfillReport backfill) {
        Instant now = Instant.now();
        return new MigrationResult("rel-1", "migrate", "alkemio", status, false, now, now, now, 5L, "4", "5", List.of(), null, lint, null,
                backfill, null, error, "ferry-0", null, null);
    }
}
