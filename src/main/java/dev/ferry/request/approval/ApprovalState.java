package dev.ferry.request.approval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.ferry.lint.LintFinding;
import dev.ferry.migration.PlannedScript;

/**
 * Why a request waits, the plan it waits with (and that plan's fingerprint: its version before and
 * its scripts), and who decided what, when and why. Kept as JSON in the ledger's {@code approval}
 * column; a result carries it without the plan.
 *
 * @param voided earlier approvals that no longer held when the request was about to run, and why
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalState(List<String> reasons, String requestedBy, String fingerprint, String versionBefore, List<PlannedScript> plan,
        List<LintFinding> lint, Instant parkedAt, Instant expiresAt, Decision decision, String decidedBy, Instant decidedAt, String note,
        List<String> voided) {

    public enum Decision {
        APPROVED, DENIED, EXPIRED
    }

    public ApprovalState decided(Decision how, String by, Instant at, String why) {
        return new ApprovalState(reasons, requestedBy, fingerprint, versionBefore, plan, lint, parkedAt, expiresAt, how, by, at, why, voided);
    }

    /** A new plan to wait with, remembering why the earlier approval was void. */
    public ApprovalState replanned(ApprovalState earlier, String why) {
        List<String> all = new ArrayList<>(earlier.voided() == null ? List.of() : earlier.voided());
        all.add(why);
        return new ApprovalState(reasons, requestedBy, fingerprint, versionBefore, plan, lint, parkedAt, expiresAt, null, null, null, null,
                List.copyOf(all));
    }

    /** What a result says of it: everything but the plan, which the result shows itself when it ran. */
    public ApprovalState summary() {
        return new ApprovalState(reasons, requestedBy, null, versionBefore, null, null, parkedAt, expiresAt, decision, decidedBy, decidedAt,
                note, voided);
    }

    /** Whether an approved run goes past what it was parked for (blocking lint, a table copy, drift), as a forced run would. */
    public boolean approvesPastRefusals() {
        return decision == Decision.APPROVED && reasons.stream().anyMatch(r -> r.startsWith(ApprovalCondition.BLOCKING_LINT.wire())
                || r.startsWith(ApprovalCondition.TABLE_COPY.wire()) || r.startsWith(ApprovalCondition.DRIFT.wire()));
    }
}
