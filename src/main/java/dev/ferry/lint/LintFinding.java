package dev.ferry.lint;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** One lint finding: where (script, line), which rule, how severe, and whether a waiver in the script covers it. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LintFinding(String script, int line, String rule, LintSeverity severity, String message, Boolean waived,
        String waiverReason) {

    /** Whether this finding stops the change (unless forced). */
    public boolean blocks() {
        return severity == LintSeverity.BLOCK && !Boolean.TRUE.equals(waived);
    }
}
