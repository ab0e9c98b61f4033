package dev.ferry.drift;

import java.time.Instant;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A drift check of one target: the version its history is at, every difference between the live
 * schema and the schema the applied scripts produce, and whether the expected schema came from the
 * cache (then the check cost only a read of the live schema).
 */
@RegisterForReflection
public record DriftReport(String target, String version, boolean clean, int objects, List<Difference> differences, Instant checkedAt,
        boolean expectedFromCache) {

    /** A fingerprint of the differences: the same drift seen again is not alerted again. */
    String fingerprint() {
        return Integer.toHexString(differences.hashCode());
    }
}
