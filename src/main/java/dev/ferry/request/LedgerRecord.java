package dev.ferry.request;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import dev.ferry.RequestStatus;

/**
 * A row of {@code ferry_request}: the one type every reader of the ledger gets, whichever way it read it. Times are UTC.
 * {@code approval} is the JSON of an {@code ApprovalState} for a request that waited (or waits) for an approver.
 */
public record LedgerRecord(
        String requestId,
        String action,
        String target,
        RequestStatus status,
        boolean dryRun,
        boolean forced,
        String requestedBy,
        String reason,
        String resultJson,
        String errorCode,
        Instant receivedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant publishedAt,
        String instance,
        Instant heartbeatAt,
        int deliveries,
        String progress,
        String payload,
        String approval) {

    static LedgerRecord of(RequestEntry e) {
        return new LedgerRecord(e.requestId, e.action, e.target, e.status, e.dryRun, e.forced, e.requestedBy, e.reason, e.result,
                e.errorCode, instant(e.receivedAt), instant(e.startedAt), instant(e.finishedAt), instant(e.publishedAt), e.instance,
                instant(e.heartbeatAt), e.deliveries, e.progress, e.payload, e.approval);
    }

    static Instant instant(LocalDateTime utc) {
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }
}
