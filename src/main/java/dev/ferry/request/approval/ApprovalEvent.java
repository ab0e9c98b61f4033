package dev.ferry.request.approval;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.ferry.lint.LintFinding;
import dev.ferry.migration.PlannedScript;

/**
 * A request that waits for an approver, on {@code migration-approvals} keyed by target: what it asks,
 * why it waits, and the plan it would run. Not a result: the request's one result comes on
 * {@code migration-results} once it is decided and done.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalEvent(String requestId, String action, String target, String requestedBy, List<String> reasons, String versionBefore,
        List<PlannedScript> plan, List<LintFinding> lint, Instant parkedAt, Instant expiresAt, List<String> voided, String approveAt,
        String denyAt) {

    static ApprovalEvent of(String requestId, String action, String target, ApprovalState state) {
        return new ApprovalEvent(requestId, action, target, state.requestedBy(), state.reasons(), state.versionBefore(), state.plan(),
                state.lint(), state.parkedAt(), state.expiresAt(), state.voided(), "/api/requests/" + requestId + "/approve",
                "/api/requests/" + requestId + "/deny");
    }
}
