package dev.ferry.request;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.ferry.EmailMask;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A ledger entry as the REST API shows it; {@code result} is the published MigrationResult. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestView(
        String requestId,
        String action,
        String target,
        String status,
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
        @JsonRawValue String result) {

    static RequestView of(RequestEntry e, boolean withResult) {
        return new RequestView(e.requestId, e.action, e.target, e.status, e.dryRun, e.forced, e.requestedBy, e.reason,
                e.errorCode, utc(e.receivedAt), utc(e.startedAt), utc(e.finishedAt), e.instance, e.deliveries,
                e.progress, withResult ? e.result : null);
    }

    /**
     * The entry as a viewer sees it: every email address masked, wherever it appears (a validation's
     * differing rows, a backfill's failures, who asked and why).
     */
    RequestView masked() {
        return new RequestView(requestId, action, target, status, dryRun, forced, EmailMask.maskAll(requestedBy),
                EmailMask.maskAll(reason), errorCode, receivedAt, startedAt, finishedAt, instance, deliveries,
                EmailMask.maskAll(progress), EmailMask.maskAll(result));
    }

    private static Instant utc(LocalDateTime time) {
        return time == null ? null : time.toInstant(ZoneOffset.UTC);
    }
}
