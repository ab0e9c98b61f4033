package dev.ferry.backfill;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** {@code resolution_status} of an audit row: linked, failed, or failed and then resolved by a person. */
public enum AuditStatus {
    SUCCESS, FAILED, RESOLVED;

    /** The value in the audit table and on the API. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean is(String wire) {
        return wire().equals(wire);
    }

    public static Optional<AuditStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }
}
