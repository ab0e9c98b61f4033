package dev.ferry.request;

import java.time.Instant;

import dev.ferry.RequestStatus;

/** A row of {@code ferry_request} as the consumer needs it. */
record LedgerRecord(
        String requestId,
        String action,
        String target,
        RequestStatus status,
        String resultJson,
        Instant receivedAt,
        Instant startedAt,
        Instant publishedAt,
        String instance,
        Instant heartbeatAt,
        Instant finishedAt,
        String payload) {
}
