package dev.ferry.validation;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

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
     * failed: {@code script} and {@code failure} say which and why), differs (a leg left another
     * schema: {@code differences}) or skipped (a pending version has no undo script).
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RoundTrip(String status, List<String> undoScripts, String script, String failure, List<String> differences) {

        public boolean passed() {
            return !status.equals("failed") && !status.equals("differs");
        }
    }

    /** One table: counts by kind of difference and the first differing rows. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableComparison(
            String table,
            String status,
            int expected,
            int actual,
            int missing,
            int unexpected,
            int changed,
            List<Map<String, Object>> differences) {
    }
}
