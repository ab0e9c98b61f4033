package dev.ferry.migration;

import static dev.ferry.migration.FlywayResults.call;
import static dev.ferry.migration.FlywayResults.currentVersion;
import static dev.ferry.migration.FlywayResults.version;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;

import dev.ferry.Identifiers;
import dev.ferry.lint.LintFinding;
import dev.ferry.lint.LintRefusal;
import dev.ferry.lint.LintRule;
import dev.ferry.lint.LintSeverity;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * Revert with {@code U<version>__*.sql} undo scripts, which Flyway's free edition does not run. The
 * whole chain is planned before anything changes; after each undo the version's history row is
 * deleted, so Flyway sees the version as pending again and a later migrate re-applies it.
 */
@ApplicationScoped
public class UndoRunner {

    private final MigrationRunner migrations;
    private final TargetRegistry targets;
    private final ScriptRecords records;

    public UndoRunner(MigrationRunner migrations, TargetRegistry targets, ScriptRecords records) {
        this.migrations = migrations;
        this.targets = targets;
        this.records = records;
    }

    /**
     * Undoes the last applied version, the last {@code steps} versions, or every version above
     * {@code toVersion}.
     */
    public MigrationOutcome revert(String targetName, Integer steps, Optional<String> toVersion, boolean force, boolean dryRun) {
        TargetDatabase target = targets.get(targetName);
        try (TargetLock lock = dryRun ? null : TargetLock.acquire(target)) {
            MigrationInfoService info = call(() -> target.flyway(Optional.empty()).info());
            String versionBefore = currentVersion(info);
            ScriptProgress.Journal journal = migrations.journal(target, info);
            Optional<FerryException> failed = halfApplied(journal, info).or(() -> MigrationRunner.failedHistory(info));
            if (failed.isPresent()) {
                return MigrationOutcome.refused(versionBefore, List.of(), failed.get());
            }
            List<MigrationInfo> chain;
            List<ScriptCatalog.Script> undoScripts;
            try {
                chain = chain(info, steps, toVersion);
                undoScripts = undoScripts(target, chain);
            } catch (FerryException e) {
                return MigrationOutcome.refused(versionBefore, List.of(), e);
            }

            List<LintFinding> findings = new ArrayList<>(target.lint(undoScripts, purposes(target, chain, undoScripts)));
            findings.addAll(changedSinceApplied(target, chain, undoScripts));
            if (dryRun) {
                List<PlannedScript> plan = new ArrayList<>();
                for (int i = 0; i < chain.size(); i++) {
                    plan.add(new PlannedScript(version(chain.get(i)), chain.get(i).getDescription(), undoScripts.get(i).name(),
                            undoScripts.get(i).text()));
                }
                return new MigrationOutcome(versionBefore, versionBefore, List.of(), plan, findings, null);
            }
            Optional<FerryException> refusal = migrations.guardRefusal(target, force, false, findings)
                    .or(() -> LintRefusal.of(findings, force));
            if (refusal.isPresent()) {
                return MigrationOutcome.refused(versionBefore, findings, refusal.get());
            }
            return undo(target, versionBefore, chain, undoScripts, findings, journal);
        }
    }

    /**
     * A version that ran only in part (a failed statement, or Ferry stopped in it) cannot be undone by
     * its undo script, which expects the whole version: the refusal lists the statements that ran.
     */
    private static Optional<FerryException> halfApplied(ScriptProgress.Journal journal, MigrationInfoService info) {
        if (journal.versions().isEmpty()) {
            return Optional.empty();
        }
        return Arrays.stream(info.all()).filter(m -> m.getVersion() != null && (m.getState().isFailed() || !m.getState().isApplied()))
                .filter(m -> !journal.applied(version(m)).isEmpty()).findFirst().map(m -> {
                    List<StatementRun> ran = journal.applied(version(m));
                    return new FerryException(ErrorCode.NEEDS_REPAIR, m.getScript() + " is half-applied: statements "
                            + MigrationRunner.lines(ran) + " ran " + ran.stream().map(StatementRun::statement).toList()
                            + ". Its undo script expects the whole version, so nothing was reverted. Send migrate to finish it (Ferry"
                            + " continues at statement " + (ran.size() + 1) + "), then revert; or undo those statements by hand and"
                            + " repair with a reason.", m.getScript(), Map.of("statementsApplied", ran, "needsRepair", true), null);
                });
    }

    private MigrationOutcome undo(TargetDatabase target, String versionBefore, List<MigrationInfo> chain,
            List<ScriptCatalog.Script> undoScripts, List<LintFinding> findings, ScriptProgress.Journal journal) {
        List<AppliedMigration> undone = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            MigrationInfo migration = chain.get(i);
            ScriptCatalog.Script undo = undoScripts.get(i);
            long started = System.nanoTime();
            String history = Identifiers.quote(target.config().historyTable());
            List<Integer> linesRun = new ArrayList<>();
            try (Connection connection = target.connection()) {
                // DDL cannot be rolled back: until the version is forgotten, its row says "failed", so a
                // crash half-way through the undo leaves a target that asks for repair, not one that lies.
                markSucceeded(connection, history, version(migration), false);
                try {
                    new UndoScript(undo).run(connection, linesRun::add);
                } catch (UndoScript.Failure e) {
                    // Only an undo that changed nothing may claim the version again. A Java undo cannot
                    // say what it did before it threw, so it counts as having changed something.
                    boolean untouched = undo.java() == null && linesRun.isEmpty();
                    if (untouched) {
                        markSucceeded(connection, history, version(migration), true);
                    }
                    String current = currentVersion(call(() -> target.flyway(Optional.empty()).info()));
                    return new MigrationOutcome(versionBefore, current, undone, null, findings,
                            undoFailed(e, untouched, version(migration), undone, linesRun));
                }
                try (PreparedStatement forget = connection.prepareStatement("DELETE FROM " + history + " WHERE version = ?")) {
                    forget.setString(1, version(migration));
                    forget.executeUpdate();
                }
            } catch (SQLException e) {
                throw FerryException.targetUnavailable("Lost the target during revert", e);
            }
            MigrationRunner.afterTheChange("forget the undo checksum of " + target.name() + " V" + version(migration),
                    () -> records.forgetUndo(target.name(), version(migration)));
            // Left-over statement records of this version would otherwise make its next migrate skip statements.
            MigrationRunner.afterTheChange("forget the statement records of " + target.name() + " V" + version(migration),
                    () -> journal.forget(List.of(version(migration))));
            undone.add(new AppliedMigration(version(migration), migration.getDescription(), undo.name(), undo.java() != null ? "UNDO_JDBC" : "UNDO_SQL", "UNDONE",
                    Instant.now(), (int) ((System.nanoTime() - started) / 1_000_000), null, null));
        }
        String versionAfter = currentVersion(call(() -> target.flyway(Optional.empty()).info()));
        return new MigrationOutcome(versionBefore, versionAfter, undone, null, findings, null);
    }

    /**
     * The failure of one undo script. When statements of it ran, the version stays recorded as failed
     * (the target answers NEEDS_REPAIR) and the result names the lines that ran, so nobody trusts a
     * history that claims objects the undo already dropped.
     */
    private static FerryException undoFailed(UndoScript.Failure e, boolean untouched, String version, List<AppliedMigration> undone,
            List<Integer> linesRun) {
        String before = "Versions undone before it: " + undone.stream().map(AppliedMigration::version).toList() + ". ";
        String where = e.line() > 0 ? " failed at line " + e.line() : " failed";
        if (untouched) {
            return new FerryException(ErrorCode.MIGRATION_FAILED, e.script() + where + ": " + e.getMessage() + ". " + before
                    + "No statement of it ran, so version " + version + " is still recorded as applied.", e.script(),
                    Map.of("line", e.line(), "statementsRun", List.of(), "needsRepair", false), e);
        }
        String ran = linesRun.isEmpty() ? "part of the Java undo" : "the statements at lines " + linesRun;
        return new FerryException(ErrorCode.MIGRATION_FAILED, e.script() + where + ": " + e.getMessage() + ". " + before
                + "DDL cannot be rolled back: " + ran + " ran, so version " + version + " is now recorded as failed and the target"
                + " answers NEEDS_REPAIR. Finish or reverse the undo by hand, then send a repair request with a reason.", e.script(),
                Map.of("line", e.line(), "statementsRun", List.copyOf(linesRun), "needsRepair", true), e);
    }

    /**
     * What each undo script exists to remove: the tables and columns its own V script created. An undo
     * that drops exactly those does its job; lint does not call that destructive.
     */
    private static Map<String, java.util.Set<String>> purposes(TargetDatabase target, List<MigrationInfo> chain,
            List<ScriptCatalog.Script> undoScripts) {
        Map<String, java.util.Set<String>> purposes = new java.util.HashMap<>();
        ScriptCatalog.Index index = target.scripts().index();
        for (int i = 0; i < chain.size(); i++) {
            String forward = chain.get(i).getScript();
            java.util.Set<String> created = forward == null ? java.util.Set.of()
                    : index.read(forward).map(v -> CreatedObjects.of(v.text())).orElse(java.util.Set.of());
            purposes.put(undoScripts.get(i).name(), created);
        }
        return purposes;
    }

    private static void markSucceeded(Connection connection, String history, String version, boolean succeeded) throws SQLException {
        try (PreparedStatement mark = connection.prepareStatement("UPDATE " + history + " SET success = ? WHERE version = ?")) {
            mark.setBoolean(1, succeeded);
            mark.setString(2, version);
            mark.executeUpdate();
        }
    }

    /** The applied versions to undo, newest first; refuses a chain that cannot be undone whole. */
    private static List<MigrationInfo> chain(MigrationInfoService info, Integer steps, Optional<String> toVersion) {
        List<MigrationInfo> applied = new ArrayList<>(Arrays.stream(info.applied()).filter(m -> m.getVersion() != null).toList());
        Collections.reverse(applied);
        List<MigrationInfo> chain;
        if (toVersion.isPresent()) {
            MigrationVersion floor = MigrationVersion.fromVersion(toVersion.get());
            chain = applied.stream().filter(m -> m.getVersion().compareTo(floor) > 0).toList();
        } else {
            int count = steps == null ? 1 : steps;
            if (count > applied.size()) {
                throw new FerryException(ErrorCode.INVALID_REQUEST, "Cannot revert " + count + " versions: only " + applied.size()
                        + " are applied");
            }
            chain = applied.subList(0, count);
        }
        if (chain.isEmpty()) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "Nothing to revert: no applied version above "
                    + toVersion.orElse("the baseline"));
        }
        return chain;
    }

    private static List<ScriptCatalog.Script> undoScripts(TargetDatabase target, List<MigrationInfo> chain) {
        List<ScriptCatalog.Script> scripts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        ScriptCatalog.Index index = target.scripts().index();
        for (MigrationInfo m : chain) {
            if (m.getState().isFailed()) {
                problems.add("V" + version(m) + " failed and needs repair, not undo");
            } else if (m.getType().isBaseline()) {
                problems.add("V" + version(m) + " is a baseline and has nothing to undo");
            } else {
                Optional<ScriptCatalog.Script> undo = index.undoOf(version(m));
                undo.ifPresentOrElse(scripts::add, () -> problems.add("no U" + version(m) + "__*.sql (nor Java U" + version(m)
                        + "__ class) for " + m.getScript()));
            }
        }
        if (!problems.isEmpty()) {
            throw new FerryException(ErrorCode.UNDO_MISSING, "Cannot revert " + chain.stream().map(m -> "V" + version(m)).toList()
                    + ": " + String.join("; ", problems) + ". Nothing was changed.", null, Map.of("problems", problems), null);
        }
        return scripts;
    }

    private List<LintFinding> changedSinceApplied(TargetDatabase target, List<MigrationInfo> chain, List<ScriptCatalog.Script> undo) {
        Map<String, Integer> known = records.undoChecksums(target.name());
        List<LintFinding> findings = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            Integer then = known.get(version(chain.get(i)));
            if (then != null && then != undo.get(i).checksum()) {
                findings.add(new LintFinding(undo.get(i).name(), 1, LintRule.UNDO_CHANGED.id(), LintSeverity.WARN,
                        LintRule.UNDO_CHANGED.description(), null, null));
            }
        }
        return findings;
    }
}
