package dev.ferry.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Counts by status and failure reason overall and for the 50 latest runs, the oldest unresolved failure, the last attempt. */
@RegisterForReflection
public record AuditSummary(Map<String, Long> byStatus, Map<String, Long> failedByReason, List<Run> runs, Instant oldestUnresolved,
        Instant lastAttempt) {

    @RegisterForReflection
    public record Run(String runId, Map<String, Long> byStatus, Instant lastAttempt) {
    }
}
