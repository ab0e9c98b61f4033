package dev.ferry.migration;

import java.util.List;

import dev.ferry.problem.FerryException;

/** What a run did to a target; {@code failure} is set when it ended in an error after inspecting the target. */
public record MigrationOutcome(
        String versionBefore,
        String versionAfter,
        List<AppliedMigration> migrations,
        List<PlannedScript> plan,
        FerryException failure) {
}
