package dev.ferry.alert;

import java.time.Instant;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An event on {@code migration-alerts}, keyed by target. */
@RegisterForReflection
public record Alert(
        String alertId,
        Severity severity,
        String kind,
        String target,
        String requestId,
        String summary,
        Map<String, Object> details,
        Instant occurredAt) {

    public enum Severity {
        critical, warning
    }
}
