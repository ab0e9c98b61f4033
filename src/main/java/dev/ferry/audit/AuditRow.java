package dev.ferry.audit;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.ferry.EmailMask;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.sqlclient.Row;

/** One row of {@code user_authid_backfill_audit}. Times are UTC. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRow(
        long id,
        String runId,
        String userId,
        String email,
        String identityId,
        String resolutionStatus,
        String failureReason,
        String kratosError,
        int attempts,
        Instant attemptedAt,
        Instant resolvedAt,
        String resolvedBy,
        String resolutionNote,
        int version) {

    static final String COLUMNS = "id, run_id, user_id, email, identity_id, resolution_status, failure_reason, kratos_error, attempts,"
            + " attempted_at, resolved_at, resolved_by, resolution_note, version";

    static AuditRow of(AuditEntry e) {
        return new AuditRow(e.id, e.runId, e.userId, e.email, e.identityId, e.resolutionStatus, e.failureReason, e.kratosError, e.attempts,
                utc(e.attemptedAt), utc(e.resolvedAt), e.resolvedBy, e.resolutionNote, e.version);
    }

    /** A row the export streams over the Vert.x client. */
    static AuditRow of(Row r) {
        return new AuditRow(r.getLong("id"), r.getString("run_id"), r.getString("user_id"), r.getString("email"),
                r.getString("identity_id"), r.getString("resolution_status"), r.getString("failure_reason"), r.getString("kratos_error"),
                r.getInteger("attempts"), utc(r.getLocalDateTime("attempted_at")), utc(r.getLocalDateTime("resolved_at")),
                r.getString("resolved_by"), r.getString("resolution_note"), r.getInteger("version"));
    }

    /** The row as a viewer sees it: every email address masked, also in who resolved it and in the texts. */
    AuditRow masked() {
        return new AuditRow(id, runId, userId, EmailMask.mask(email), identityId, resolutionStatus, failureReason,
                EmailMask.maskAll(kratosError), attempts, attemptedAt, resolvedAt, EmailMask.maskAll(resolvedBy),
                EmailMask.maskAll(resolutionNote), version);
    }

    /** The ETag of this version of the row. */
    String etag() {
        return "\"" + version + "\"";
    }

    private static Instant utc(LocalDateTime time) {
        return time == null ? null : time.toInstant(ZoneOffset.UTC);
    }
}
