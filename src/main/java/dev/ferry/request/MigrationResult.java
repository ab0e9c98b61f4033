package dev.ferry.request;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.ferry.RequestStatus;
import dev.ferry.backfill.BackfillReport;
import dev.ferry.drift.DriftReport;
import dev.ferry.lint.LintFinding;
import dev.ferry.migration.AppliedMigration;
import dev.ferry.migration.PlannedScript;
import dev.ferry.request.approval.ApprovalState;
import dev.ferry.request.rollout.RolloutReport;
import dev.ferry.validation.ValidationReport;

/** The one outcome of a request, published on {@code migration-results} keyed by requestId. */
@RegisterForReflection
public record MigrationResult(
        String requestId,
        String action,
        String target,
        RequestStatus status,
        boolean duplicate,
        Instant receivedAt,
        Instant startedAt,
        Instant finishedAt,
        Long durationMs,
        String versionBefore,
        String versionAfter,
        List<AppliedMigration> migrations,
        List<PlannedScript> plan,
        List<LintFinding> lint,
        ValidationReport validation,
        BackfillReport backfill,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) DriftReport drift,
        ErrorInfo error,
        String instance,
        /** For a request that waited for an approver: why, and who decided what, when and why (without the plan). */
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) ApprovalState approval,
        /** A rollout's combined report: counts by state, each target's state and version, why it halted. */
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) RolloutReport rollout) {

    /** The error of a result: a stable code from the README's table, a message, and the script at fault. */
    @RegisterForReflection
    public record ErrorInfo(String code, String message, String migration, Map<String, Object> details) {
    }

    public MigrationResult asDuplicate() {
        return new MigrationResult(requestId, action, target, status, true, receivedAt, startedAt, finishedAt, durationMs,
                versionBefore, versionAfter, migrations, plan, lint, validation, backfill, drift, error, instance, approval, rollout);
    }

    public MigrationResult withApproval(ApprovalState decided) {
        return new MigrationResult(requestId, action, target, status, duplicate, receivedAt, startedAt, finishedAt, durationMs,
                versionBefore, versionAfter, migrations, plan, lint, validation, backfill, drift, error, instance,
                decided == null ? null : decided.summary(), rollout);
    }

    public MigrationResult withRollout(RolloutReport report) {
        return new MigrationResult(requestId, action, target, status, duplicate, receivedAt, startedAt, finishedAt, durationMs,
                versionBefore, versionAfter, migrations, plan, lint, validation, backfill, drift, error, instance, approval, report);
    }
}
