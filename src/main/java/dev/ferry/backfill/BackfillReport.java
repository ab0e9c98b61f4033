package dev.ferry.backfill;

import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The {@code backfill} field of a result: every user of the run counted once, by status and failure
 * reason (from the audit table, so a resumed run counts users of its earlier part too).
 */
@RegisterForReflection
public record BackfillReport(
        String job,
        String runId,
        boolean dryRun,
        long total,
        long linked,
        long failed,
        Map<String, Long> failedByReason,
        long durationMs,
        double usersPerSecond) {
}
