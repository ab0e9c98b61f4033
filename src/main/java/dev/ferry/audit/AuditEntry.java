package dev.ferry.audit;

import java.time.LocalDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The Hibernate Reactive mapping of {@code user_authid_backfill_audit} (persistence unit {@code audit},
 * on the audit datasource); only {@link AuditRepository} uses it, and hands out {@link AuditRow}s. The
 * table belongs to the target's own scripts: Hibernate never creates or changes it. Times are UTC.
 */
@Entity
@Table(name = "user_authid_backfill_audit")
class AuditEntry {

    @Id
    Long id;

    @Column(name = "run_id")
    String runId;

    @Column(name = "user_id")
    String userId;

    String email;

    @Column(name = "identity_id")
    String identityId;

    @Column(name = "resolution_status")
    String resolutionStatus;

    @Column(name = "failure_reason")
    String failureReason;

    @Column(name = "kratos_error")
    String kratosError;

    int attempts;

    @Column(name = "attempted_at")
    LocalDateTime attemptedAt;

    @Column(name = "resolved_at")
    LocalDateTime resolvedAt;

    @Column(name = "resolved_by")
    String resolvedBy;

    @Column(name = "resolution_note")
    String resolutionNote;

    /** Compared by hand on resolve (If-Match), not Hibernate's optimistic lock: the writer is one UPDATE. */
    int version;
}
