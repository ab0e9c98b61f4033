package dev.ferry.backfill;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Where a running backfill stands; shown by {@code GET /api/requests/{id}} while it runs. */
@RegisterForReflection
public record BackfillProgress(long processed, long total, long linked, long failed, double usersPerSecond, Long etaSeconds) {
}
