package dev.ferry.migration;

import static dev.ferry.migration.FlywayResults.call;
import static dev.ferry.migration.FlywayResults.currentVersion;
import static dev.ferry.migration.FlywayResults.version;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.RepairResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

import dev.ferry.Transient;
import io.smallrye.mutiny.Uni;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/** Runs Flyway commands against a target: migrate (or plan it), info, repair, and post-crash inspection. */
@ApplicationScoped
public class MigrationRunner {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(MigrationRunner.class);
    /** How long bookkeeping in Ferry's own schema after a change is tried again. */
    private static final java.time.Duration RECORD_RETRY = java.time.Duration.ofMinutes(2);

    private final TargetRegistry targets;
    private final ScriptRecords records;

    public MigrationRunner(TargetRegistry targets, ScriptRecords records) {
        this.targets = targets;
        this.records = records;
    }

    public TargetDatabase target(String name) {
        return targets.find(name)
                .orElseThrow(() -> new FerryException(ErrorCode.UNKNOWN_TARGET, "Unknown target '" + name + "'; configured: "
                        + targets.all().stream().map(TargetDatabase::name).toList()));
    }

    /** Runs other work that changes a target (a backfill) under the same lock as migrations. */
    public <T> T withLock(String targetName, java.util.function.Function<TargetDatabase, T> work) {
        TargetDatabase target = target(targetName);
        try (TargetLock lock = TargetLock.acquire(target)) {
            return work.apply(target);
        }
    }

    /** Every script the target knows of, applied or pending, as {@code migration:show} lists them. */
    public MigrationOutcome info(String targetName) {
        TargetDatabase target = target(targetName);
        MigrationInfoService info = call(() -> target.flyway(Optional.empty()).info());
        String current = currentVersion(info);
        return new MigrationOutcome(current, current, Arrays.stream(info.all()).map(FlywayResults::toApplied).toList(), null,
                List.of(), null);
    }

    /**
     * Applies the pending scripts (up to {@code toVersion}) under the target's lock, after the
     * history, lint and validation-gate checks; a dry run returns the plan and the findings instead.
     */
    public MigrationOutcome migrate(String targetName, Optional<String> toVersion, boolean force, boolean dryRun) {
        TargetDatabase target = target(targetName);
        try (TargetLock lock = dryRun ? null : TargetLock.acquire(target)) {
            Flyway flyway = target.flyway(toVersion);
            MigrationInfoService before = call(flyway::info);
            String versionBefore = currentVersion(before);
            Optional<FerryException> historyProblem = failedHistory(before).or(() -> changedScripts(before))
                    .or(() -> unresolvedHistory(before));
            if (historyProblem.isPresent()) {
                return MigrationOutcome.refused(versionBefore, List.of(), historyProblem.get());
            }
            List<MigrationInfo> pending = Arrays.asList(before.pending());
            ScriptCatalog.Index scripts = target.scripts().index();
            List<LintFinding> findings = new ArrayList<>(lint(target, pending.stream().map(m -> scripts.read(m.getScript()))
                    .flatMap(Optional::stream).toList()));
            findings.addAll(validationGate(target, pending));
            if (dryRun) {
                List<PlannedScript> plan = pending.stream().map(m -> new PlannedScript(version(m), m.getDescription(), m.getScript(),
                        scripts.read(m.getScript()).map(ScriptCatalog.Script::text)
                                .orElse("-- " + m.getType() + " migration " + m.getScript()))).toList();
                return new MigrationOutcome(versionBefore, versionBefore, List.of(), plan, findings, null);
            }
            Optional<FerryException> refusal = refusal(findings, force);
            if (refusal.isPresent()) {
                return MigrationOutcome.refused(versionBefore, findings, refusal.get());
            }
            return apply(target, flyway, versionBefore, findings, scripts);
        }
    }

    /**
     * Runs Flyway's migrate. A script whose first statement cannot get its table's metadata lock within
     * {@code ddl.lock-wait} has not run at all: its failed row is forgotten and the migrate is tried
     * again, with backoff and jitter, up to {@code ddl.lock-retries} times, so the application's queries
     * never queue behind Ferry's DDL for longer than one wait.
     */
    private MigrationOutcome apply(TargetDatabase target, Flyway flyway, String versionBefore, List<LintFinding> findings,
            ScriptCatalog.Index scripts) {
        List<AppliedMigration> applied = new ArrayList<>();
        TargetsConfig.Ddl ddl = target.config().ddl();
        try {
            MigrateResult result = Uni.createFrom().item(() -> migrateOnce(target, flyway, scripts, applied))
                    .onFailure(LockNotGranted.class).retry().withBackOff(ddl.lockWait(), ddl.lockWait().multipliedBy(4)).withJitter(0.3)
                    .atMost(ddl.lockRetries())
                    .await().indefinitely();
            String versionAfter = result.targetSchemaVersion != null ? result.targetSchemaVersion : versionBefore;
            return new MigrationOutcome(versionBefore, versionAfter, applied, null, findings, null);
        } catch (LockNotGranted e) {
            return new MigrationOutcome(versionBefore, currentVersion(call(flyway::info)), applied, null, findings,
                    lockTimeout(e.wait, e.blockers, ddl));
        } catch (FlywayMigrateException e) {
            String script = e.getMigration() == null ? null : e.getMigration().getScript();
            List<AppliedMigration> migrations = new ArrayList<>(applied);
            if (e.getMigration() != null) {
                migrations.add(new AppliedMigration(version(e.getMigration()), e.getMigration().getDescription(), script,
                        e.getMigration().getType().name(), MigrationState.FAILED.name(), Instant.now(), null, null, null));
            }
            Optional<MetadataLocks.LockWait> lockWait = MetadataLocks.of(e, scripts);
            FerryException failure = lockWait.isPresent()
                    ? new FerryException(ErrorCode.DDL_LOCK_TIMEOUT, script + " line " + lockWait.get().line() + " did not get the metadata"
                            + " lock on " + lockWait.get().table() + " within " + ddl.lockWait().toSeconds() + " s; the statements before it"
                            + " ran (MySQL DDL is not transactional), so the target needs repair. Blocking: " + blockers(target) + ".",
                            script, Map.of("needsRepair", true, "line", lockWait.get().line()), e)
                    : new FerryException(ErrorCode.MIGRATION_FAILED, script + " failed: " + FlywayResults.serverMessage(e)
                            + ". MySQL DDL is not transactional: statements before the failing one stay applied;"
                            + " fix the target and the script, then send a repair request.", script, Map.of("needsRepair", true), e);
            return new MigrationOutcome(versionBefore, currentVersion(call(flyway::info)), migrations, null, findings, failure);
        } catch (FlywayValidateException e) {
            throw new FerryException(ErrorCode.HISTORY_MISMATCH, FlywayResults.serverMessage(e));
        } catch (FlywayException e) {
            throw FlywayResults.translate(e);
        }
    }

    /** One Flyway migrate; what it applied is added to {@code applied} whether it ends well or not. */
    private MigrateResult migrateOnce(TargetDatabase target, Flyway flyway, ScriptCatalog.Index scripts, List<AppliedMigration> applied) {
        try {
            MigrateResult result = flyway.migrate();
            List<AppliedMigration> now = result.migrations.stream().map(FlywayResults::toApplied).toList();
            rememberUndoScripts(target, now, scripts);
            applied.addAll(now);
            return result;
        } catch (FlywayMigrateException e) {
            MigrateResult partial = e.getErrorResult();
            List<AppliedMigration> now = partial == null || partial.migrations == null ? List.of()
                    : partial.migrations.stream().map(FlywayResults::toApplied).toList();
            rememberUndoScripts(target, now, scripts);
            applied.addAll(now);
            Optional<MetadataLocks.LockWait> wait = MetadataLocks.of(e, scripts).filter(MetadataLocks.LockWait::first);
            if (wait.isEmpty()) {
                throw e;
            }
            try (Connection c = target.connection()) {
                MetadataLocks.forgetFailed(c, target.config().historyTable(), wait.get().version());
                List<String> blockers = MetadataLocks.blockers(c);
                LOG.warnf("%s waited %s for the metadata lock on %s (blocking: %s); nothing of it ran, trying again", wait.get().script(),
                        target.config().ddl().lockWait(), wait.get().table(), blockers);
                throw new LockNotGranted(wait.get(), blockers);
            } catch (SQLException sql) {
                throw FerryException.targetUnavailable("Lost the target after a metadata-lock timeout", sql);
            }
        }
    }

    private static FerryException lockTimeout(MetadataLocks.LockWait wait, List<String> blockers, TargetsConfig.Ddl ddl) {
        return new FerryException(ErrorCode.DDL_LOCK_TIMEOUT, wait.script() + " did not get the metadata lock on " + wait.table() + " in "
                + (ddl.lockRetries() + 1) + " tries of " + ddl.lockWait().toSeconds() + " s each. Blocking: " + blockers
                + ". Nothing of " + wait.script() + " ran and its history row was removed: send the request again once the blocking"
                + " transactions end.", wait.script(), Map.of("table", String.valueOf(wait.table()), "blockers", blockers,
                        "tries", ddl.lockRetries() + 1, "needsRepair", false), null);
    }

    private static List<String> blockers(TargetDatabase target) {
        try (Connection c = target.connection()) {
            return MetadataLocks.blockers(c);
        } catch (SQLException | RuntimeException e) {
            return List.of("unknown");
        }
    }

    /** The first statement of a script could not get its lock: nothing of the script ran. */
    private static final class LockNotGranted extends RuntimeException {
        private final MetadataLocks.LockWait wait;
        private final List<String> blockers;

        LockNotGranted(MetadataLocks.LockWait wait, List<String> blockers) {
            super(wait.script() + " waited for the metadata lock on " + wait.table());
            this.wait = wait;
            this.blockers = blockers;
        }
    }

    /** Flyway repair: removes failed history rows and realigns checksums of edited scripts. */
    public MigrationOutcome repair(String targetName) {
        TargetDatabase target = target(targetName);
        try (TargetLock lock = TargetLock.acquire(target)) {
            Flyway flyway = target.flyway(Optional.empty());
            String versionBefore = currentVersion(call(flyway::info));
            RepairResult result = call(flyway::repair);
            List<AppliedMigration> repaired = new ArrayList<>();
            result.migrationsRemoved.forEach(r -> repaired.add(repairOutput(r, "REMOVED")));
            result.migrationsDeleted.forEach(r -> repaired.add(repairOutput(r, "DELETED")));
            result.migrationsAligned.forEach(r -> repaired.add(repairOutput(r, "ALIGNED")));
            return new MigrationOutcome(versionBefore, currentVersion(call(flyway::info)), repaired, null, List.of(), null);
        }
    }

    /**
     * After a crash: what the history says happened since {@code since}. A script recorded as failed
     * means a half-applied change or a half-done undo (NEEDS_REPAIR); otherwise the run stopped
     * between scripts.
     */
    public MigrationOutcome inspectSince(String targetName, Instant since) {
        TargetDatabase target = target(targetName);
        MigrationInfoService info = call(() -> target.flyway(Optional.empty()).info());
        List<AppliedMigration> touched = Arrays.stream(info.applied())
                .filter(m -> m.getInstalledOn() != null && !m.getInstalledOn().toInstant().isBefore(since.minusSeconds(1)))
                .map(FlywayResults::toApplied)
                .toList();
        List<String> pending = Arrays.stream(info.pending()).map(MigrationInfo::getScript).toList();
        // Any failed row counts, not only those written since: a revert marks the version it undoes as failed first.
        Optional<AppliedMigration> failed = Arrays.stream(info.applied()).map(FlywayResults::toApplied)
                .filter(m -> MigrationState.FAILED.name().equals(m.state())).findFirst();
        String applied = touched.stream().filter(m -> !MigrationState.FAILED.name().equals(m.state())).map(AppliedMigration::script)
                .toList().toString();
        FerryException failure = failed.isPresent()
                ? new FerryException(ErrorCode.NEEDS_REPAIR, "Ferry stopped while applying or undoing " + failed.get().script()
                        + ", which the history records as failed (half-done). Applied before it: " + applied
                        + ". Still pending: " + pending + ". Fix the target, then send a repair request.",
                        failed.get().script(), Map.of("needsRepair", true), null)
                : new FerryException(ErrorCode.INTERRUPTED, "Ferry stopped while the request was running. Applied: " + applied
                        + ". Still pending: " + pending + ". Send a new request to continue.");
        String current = currentVersion(info);
        return new MigrationOutcome(null, current, touched, null, List.of(), failure);
    }

    /** Blocking findings refuse the change unless forced; the gate's findings carry their own code. */
    static Optional<FerryException> refusal(List<LintFinding> findings, boolean force) {
        List<LintFinding> blocking = findings.stream().filter(LintFinding::blocks).toList();
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

    static List<LintFinding> lint(TargetDatabase target, List<ScriptCatalog.Script> scripts) {
        return lint(target, scripts, Map.of());
    }

    /**
     * The findings of scripts that run one after the other: each statement is judged against the
     * target as the statements before it leave it. {@code purposes} names, per script, what it exists
     * to remove (an undo script's own V script's tables and columns).
     */
    static List<LintFinding> lint(TargetDatabase target, List<ScriptCatalog.Script> scripts, Map<String, java.util.Set<String>> purposes) {
        if (scripts.isEmpty()) {
            return List.of();
        }
        try (Connection connection = target.connection()) {
            BatchFacts facts = new BatchFacts(ScriptLinter.liveFacts(connection));
            List<LintFinding> findings = new ArrayList<>();
            scripts.forEach(s -> findings.addAll(target.linter().lint(s.name(), s.text(), facts,
                    purposes.getOrDefault(s.name(), java.util.Set.of()))));
            return findings;
        } catch (SQLException e) {
            throw FerryException.targetUnavailable("Cannot read the target for lint", e);
        }
    }

    private List<LintFinding> validationGate(TargetDatabase target, List<MigrationInfo> pending) {
        if (!target.config().validationGate()) {
            return List.of();
        }
        return pending.stream()
                .filter(m -> m.getChecksum() == null || !records.isValidated(target.name(), m.getScript(), m.getChecksum()))
                .map(m -> new LintFinding(m.getScript(), 1, LintRule.NOT_VALIDATED.id(), LintSeverity.BLOCK,
                        LintRule.NOT_VALIDATED.description(), null, null))
                .toList();
    }

    /**
     * Notes each applied version's undo checksum in Ferry's schema. The scripts are applied by now, so
     * a failure here must not turn the result into an error that hides them: transient failures are
     * tried again, then the loss is logged (an edited undo script will not be flagged for that version).
     */
    private void rememberUndoScripts(TargetDatabase target, List<AppliedMigration> applied, ScriptCatalog.Index scripts) {
        for (AppliedMigration m : applied) {
            if (m.version() != null) {
                scripts.undoOf(m.version()).ifPresent(undo -> afterTheChange("record the undo checksum of " + target.name() + " V"
                        + m.version(), () -> records.rememberUndo(target.name(), m.version(), undo.name(), undo.checksum())));
            }
        }
    }

    /** Bookkeeping after a change: retried while transient, never allowed to misreport the change itself. */
    static void afterTheChange(String what, Runnable step) {
        try {
            Transient.run(what, RECORD_RETRY, step);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not %s; the change itself is reported as it happened", what);
        }
    }

    /** NEEDS_REPAIR when the history records a script as failed (half-applied, or half-undone). */
    static Optional<FerryException> failedHistory(MigrationInfoService info) {
        return Arrays.stream(info.applied()).filter(m -> m.getState().isFailed()).findFirst()
                .map(m -> new FerryException(ErrorCode.NEEDS_REPAIR, "The history of the target records " + m.getScript()
                        + " as failed; fix the target and send a repair request first", m.getScript(), Map.of("needsRepair", true), null));
    }

    /**
     * What Flyway's own validation would refuse besides checksums: an applied version whose script is
     * gone, and a pending script below the current version that a plain migrate would skip.
     */
    private static Optional<FerryException> unresolvedHistory(MigrationInfoService info) {
        List<MigrationInfo> problems = Arrays.stream(info.all()).filter(m -> m.getState() == MigrationState.MISSING_SUCCESS
                || m.getState() == MigrationState.MISSING_FAILED || m.getState() == MigrationState.IGNORED).toList();
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        List<String> described = problems.stream().map(m -> (m.getScript() == null ? "V" + version(m) : m.getScript()) + " ("
                + (m.getState() == MigrationState.IGNORED ? "pending below the current version" : "applied, but its script is gone")
                + ")").toList();
        return Optional.of(new FerryException(ErrorCode.HISTORY_MISMATCH, "The history does not match the scripts: " + described
                + ". Restore the scripts, or repair with a reason.", problems.get(0).getScript(), Map.of("scripts", described), null));
    }

    private static Optional<FerryException> changedScripts(MigrationInfoService info) {
        List<String> changed = Arrays.stream(info.applied())
                .filter(m -> m.getResolvedChecksum() != null && !m.isChecksumMatching())
                .map(MigrationInfo::getScript)
                .toList();
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FerryException(ErrorCode.HISTORY_MISMATCH, "Applied scripts were edited afterwards (checksum differs): "
                + changed + ". Restore them, or send a repair request with a reason to accept the edits.",
                changed.get(0), Map.of("changedScripts", changed), null));
    }

    private static AppliedMigration repairOutput(org.flywaydb.core.api.output.RepairOutput r, String state) {
        return new AppliedMigration(r.version, r.description, r.filepath, null, state, null, null, null, null);
    }
}
