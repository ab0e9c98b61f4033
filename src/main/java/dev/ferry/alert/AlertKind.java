package dev.ferry.alert;

import java.util.Locale;

/** The kinds of alert Ferry raises (README, "Alerts"), each with its severity; the wire form is kebab-case. */
public enum AlertKind {
    REQUEST_FAILED(Alert.Severity.critical),
    VALIDATION_MISMATCH(Alert.Severity.critical),
    FORCED_RUN(Alert.Severity.warning),
    BACKFILL_UNRESOLVED(Alert.Severity.warning),
    STUCK_REQUEST(Alert.Severity.warning),
    RETENTION_FAILED(Alert.Severity.critical),
    SCHEMA_DRIFT(Alert.Severity.warning),
    APPROVAL_REQUIRED(Alert.Severity.warning),
    ROLLOUT_HALTED(Alert.Severity.critical);

    private final Alert.Severity severity;

    AlertKind(Alert.Severity severity) {
        this.severity = severity;
    }

    public Alert.Severity severity() {
        return severity;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
