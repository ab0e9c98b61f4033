package dev.ferry.alert;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

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

    /** A new alert of this kind, now. */
    public static Alert of(AlertKind kind, String target, String requestId, String summary, Map<String, Object> details) {
        return new Alert(UUID.randomUUID().toString(), kind.severity(), kind.wire(), target, requestId, summary, details, Instant.now());
    }
}
