package dev.ferry.alert;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.ferry.request.MigrationResult;
import dev.ferry.request.RequestStatus;

/** Decides which results deserve an alert. */
public final class AlertPolicy {

    private AlertPolicy() {
    }

    public static Optional<Alert> forResult(MigrationResult result) {
        if (result.status() != RequestStatus.FAILED) {
            return Optional.empty();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", result.action());
        if (result.error() != null) {
            details.put("code", result.error().code());
            details.put("message", result.error().message());
            if (result.error().migration() != null) {
                details.put("migration", result.error().migration());
            }
        }
        details.put("versionBefore", result.versionBefore());
        details.put("versionAfter", result.versionAfter());
        String code = result.error() == null ? "FAILED" : result.error().code();
        return Optional.of(new Alert(UUID.randomUUID().toString(), Alert.Severity.critical, "request-failed", result.target(),
                result.requestId(), result.action() + " on " + result.target() + " failed: " + code, details, Instant.now()));
    }
}
