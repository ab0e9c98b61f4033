package dev.ferry.validation;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The {@code validation} field of a result: per table, how the sandbox's rows compare with the reference. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidationReport(
        boolean passed,
        boolean captured,
        String sandbox,
        List<String> scripts,
        List<TableComparison> tables,
        String artifacts,
        long cloneMs,
        long applyMs,
        long compareMs,
        RoundTrip roundTrip,
        long roundTripMs) {

    /**
     * The undo round trip in the sandbox: the pending V scripts, their U scripts in reverse, the V
     * scripts again, the schema compared after each leg. {@code status}: passed, failed (a script
     * failed: {@code script} and {@code failure} say which and why) or differs (a leg left another
     * schema: {@code differences}). There is none when a pending version has no undo script.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RoundTrip(RoundTripStatus status, List<String> undoScripts, String script, String failure, List<String> differences) {

        public boolean passed() {
            return status != RoundTripStatus.FAILED && status != RoundTripStatus.DIFFERS;
        }
    }

    /** How the undo round trip ended, as results show it. */
    public enum RoundTripStatus {
        PASSED("passed"), FAILED("failed"), DIFFERS("differs");

        private final String wire;

        RoundTripStatus(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    /** How a table's rows compare with its reference, as results show it. */
    public enum TableStatus {
        MATCH("match"), MISMATCH("mismatch"), CAPTURED("captured"), NO_REFERENCE("no-reference");

        private final String wire;

        TableStatus(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }

        /** Whether the table lets validation pass: its rows match, or there is nothing to compare them with. */
        public boolean passes() {
            return this == MATCH || this == NO_REFERENCE;
        }
    }

    /** One table: counts by kind of difference and the first differing rows. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableComparison(
            String table,
            TableStatus status,
            int expected,
            int actual,
            int missing,
            int unexpected,
            int changed,
            List<Map<String, Object>> differences) {
    }
}
