package dev.ferry.request;

import java.time.LocalDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

import dev.ferry.RequestStatus;

/**
 * The Hibernate Reactive mapping of {@code ferry_request}; only {@link RequestLedger} uses it, and hands
 * out {@link LedgerRecord}s. Times are UTC.
 */
@Entity
@Table(name = "ferry_request")
class RequestEntry extends PanacheEntityBase {

    @Id
    @Column(name = "request_id")
    public String requestId;

    public String action;
    public String target;
    @Enumerated(EnumType.STRING)
    public RequestStatus status;

    @Column(name = "dry_run")
    public boolean dryRun;

    public boolean forced;

    @Column(name = "requested_by")
    public String requestedBy;

    public String reason;

    @Column(name = "result", columnDefinition = "LONGTEXT")
    public String result;

    @Column(name = "error_code")
    public String errorCode;

    @Column(name = "received_at")
    public LocalDateTime receivedAt;

    @Column(name = "started_at")
    public LocalDateTime startedAt;

    @Column(name = "finished_at")
    public LocalDateTime finishedAt;

    @Column(name = "published_at")
    public LocalDateTime publishedAt;

    public String instance;

    @Column(name = "heartbeat_at")
    public LocalDateTime heartbeatAt;

    public int deliveries;

    @Column(name = "progress")
    public String progress;

    /** The request as received (JSON), compared with a re-sent one of the same id. */
    @Column(name = "payload", columnDefinition = "LONGTEXT")
    public String payload;

    /** Why the request waits (or waited) for an approver, with the plan and the decision (JSON). */
    @Column(name = "approval", columnDefinition = "LONGTEXT")
    public String approval;
}
