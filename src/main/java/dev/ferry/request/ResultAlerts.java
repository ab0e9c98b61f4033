package dev.ferry.request;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ferry.RequestStatus;
import dev.ferry.alert.Alert;
import dev.ferry.alert.AlertKind;
import dev.ferry.lint.LintFinding;
import dev.ferry.lint.LintSeverity;
import dev.ferry.problem.ErrorCode;

/** Decides which results deserve an alert: failures (critical), forced runs past a block and backfills leaving users unlinked (warning). */
final class ResultAlerts {

    private ResultAlerts() {
    }

    static List<Alert> alertsFor(MigrationResult result, boolean forced) {
        List<Alert> alerts = new ArrayList<>();
        if (result.status() == RequestStatus.FAILED) {
            Map<String, Object> details = base(result);
            if (result.error() != null) {
                details.put("code", result.error().code());
                details.put("message", result.error().message());
                if (result.error().migration() != null) {
                    details.put("migration", result.error().migration());
                }
                if (result.error().details() != null && result.error().details().containsKey("blockers")) {
                    details.put("blockers", result.error().details().get("blockers")); // who held the metadata lock
                }
            }
            String code = result.error() == null ? "FAILED" : result.error().code();
            AlertKind kind = ErrorCode.VALIDATION_FAILED.name().equals(code) ? AlertKind.VALIDATION_MISMATCH : AlertKind.REQUEST_FAILED;
            alerts.add(alert(kind, result,
                    result.action() + " on " + result.target() + " failed: " + code, details));
        }
        List<LintFinding> overridden = result.lint() == null ? List.of()
                : result.lint().stream().filter(f -> f.severity() == LintSeverity.BLOCK && !Boolean.TRUE.equals(f.waived())).toList();
        if (forced && result.plan() == null && result.status() != RequestStatus.REJECTED && !overridden.isEmpty()) {
            Map<String, Object> details = base(result);
            details.put("overridden", overridden.stream().map(f -> f.script() + ":" + f.line() + " " + f.rule()).toList());
            alerts.add(alert(AlertKind.FORCED_RUN, result,
                    result.action() + " on " + result.target() + " was forced past " + overridden.size() + " blocking finding(s)",
                    details));
        }
        if (result.backfill() != null && !result.backfill().dryRun() && result.backfill().failed() > 0) {
            Map<String, Object> details = base(result);
            details.put("runId", result.backfill().runId());
            details.put("total", result.backfill().total());
            details.put("linked", result.backfill().linked());
            details.put("failed", result.backfill().failed());
            details.put("failedByReason", result.backfill().failedByReason());
            alerts.add(alert(AlertKind.BACKFILL_UNRESOLVED, result, "Backfill " + result.backfill().runId() + " on "
                    + result.target() + " left " + result.backfill().failed() + " of " + result.backfill().total()
                    + " users unlinked", details));
        }
        return alerts;
    }

    private static Map<String, Object> base(MigrationResult result) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", result.action());
        details.put("status", result.status().name());
        details.put("versionBefore", result.versionBefore());
        details.put("versionAfter", result.versionAfter());
        return details;
    }

    private static Alert alert(AlertKind kind, MigrationResult result, String summary, Map<String, Object> details) {
        return Alert.of(kind, result.target(), result.requestId(), summary, details);
    }
}
