package dev.ferry.lint;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One lint finding: where (script, line), which rule, how severe, and whether a waiver in the script
 * covers it. A data rule also says how many rows (or duplicate values) are at fault, with up to five
 * of their keys.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LintFinding(String script, int line, String rule, LintSeverity severity, String message, Boolean waived,
        String waiverReason, Long rows, List<String> sample) {

    public LintFinding(String script, int line, String rule, LintSeverity severity, String message, Boolean waived, String waiverReason) {
        this(script, line, rule, severity, message, waived, waiverReason, null, null);
    }

    /** Whether this finding stops the change (unless forced). */
    public boolean blocks() {
        return severity == LintSeverity.BLOCK && !Boolean.TRUE.equals(waived);
    }
}
