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
        long compareMs) {

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
