package dev.ferry.backfill;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** {@code failure_reason} of a failed audit row: no identity, several (or one linked elsewhere), or Kratos kept failing. */
public enum FailureReason {
    MISSING, DUPLICATE, ERROR;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<FailureReason> fromWire(String value) {
        return Arrays.stream(values()).filter(r -> r.wire().equals(value)).findFirst();
    }
}
