package dev.ferry.lint;

import java.util.List;
import java.util.Optional;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/** What blocking findings mean for a change: a refusal, unless forced; the validation gate's findings carry their own code. */
public final class LintRefusal {

    private LintRefusal() {
    }

    public static Optional<FerryException> of(List<LintFinding> findings, boolean force) {
        // Copies of large tables and drift are refused with codes of their own where they are found.
        List<LintFinding> blocking = findings.stream().filter(LintFinding::blocks)
                .filter(f -> !f.rule().equals(LintRule.TABLE_COPY.id()) && !f.rule().equals(LintRule.SCHEMA_DRIFT.id())).toList();
        if (blocking.isEmpty() || force) {
            return Optional.empty();
        }
        boolean onlyGate = blocking.stream().allMatch(f -> f.rule().equals(LintRule.NOT_VALIDATED.id()));
        String where = blocking.stream().map(f -> f.script() + ":" + f.line() + " " + f.rule()).distinct().toList().toString();
        return Optional.of(onlyGate
                ? new FerryException(ErrorCode.NOT_VALIDATED, "Scripts have not passed validate with their current checksum: " + where
                        + ". Run validate, or send force: true.")
                : new FerryException(ErrorCode.LINT_BLOCKED, "Blocking lint findings: " + where
                        + ". Waive a rule in the script with '-- ferry:allow <rule> <reason>', or send force: true."));
    }
}
