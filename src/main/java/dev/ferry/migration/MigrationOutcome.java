package dev.ferry.migration;

import java.util.List;

import dev.ferry.lint.LintFinding;
import dev.ferry.problem.FerryException;

/**
 * What a run did to a target, with the lint findings it met; {@code failure} is set when it ended in
 * an error (the other fields still say what was done before).
 */
public record MigrationOutcome(
        String versionBefore,
        String versionAfter,
        List<AppliedMigration> migrations,
        List<PlannedScript> plan,
        List<LintFinding> lint,
        FerryException failure) {

    /** Refused before anything changed: the version stays where it was, and the result says where that is. */
    public static MigrationOutcome refused(String version, List<LintFinding> lint, FerryException refusal) {
        return new MigrationOutcome(version, version, List.of(), null, lint, refusal);
    }

    public static MigrationOutcome failed(FerryException failure) {
        return new MigrationOutcome(null, null, List.of(), null, List.of(), failure);
    }
}
