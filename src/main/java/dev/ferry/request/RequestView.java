package dev.ferry.request;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.ferry.EmailMask;
import dev.ferry.RequestStatus;

/** A ledger entry as the REST API shows it; {@code result} is the published MigrationResult. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestView(
        String requestId,
        String action,
        String target,
        RequestStatus status,
        boolean dryRun,
        boolean forced,
        String requestedBy,
        String reason,
        String errorCode,
        Instant receivedAt,
        Instant startedAt,
        Instant finishedAt,
        String instance,
        int deliveries,
        @JsonRawValue String progress,
        @JsonRawValue String result,
        /** For a request that waits (or waited) for an approver: why, its plan, and the decision. */
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        @JsonRawValue String approval) {

    /** {@code whole}: with the result and the approval's plan, as one request's page shows it (a list leaves them out). */
    public static RequestView of(LedgerRecord e, boolean whole) {
        return new RequestView(e.requestId(), e.action(), e.target(), e.status(), e.dryRun(), e.forced(), e.requestedBy(), e.reason(),
                e.errorCode(), e.receivedAt(), e.startedAt(), e.finishedAt(), e.instance(), e.deliveries(), e.progress(),
                whole ? e.resultJson() : null, whole ? e.approval() : null);
    }

    /**
     * The entry as a viewer sees it: every email address masked, wherever it appears (a validation's
     * differing rows, a backfill's failures, who asked and why).
     */
    public RequestView masked() {
        return new RequestView(requestId, action, target, status, dryRun, forced, EmailMask.maskAll(requestedBy),
                EmailMask.maskAll(reason), errorCode, receivedAt, startedAt, finishedAt, instance, deliveries,
                EmailMask.maskAll(progress), EmailMask.maskAll(result), EmailMask.maskAll(approval));
    }

}
