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
import java.util.Set;

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

import dev.ferry.RequestStatus;
import dev.ferry.Transient;
import dev.ferry.lint.LintFinding;
import dev.ferry.lint.LintRefusal;
import dev.ferry.lint.LintRule;
import dev.ferry.lint.LintSeverity;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.sql.SqlStatements;

/** Runs Flyway commands against a target: migrate (or plan it), info, repair, and post-crash inspection. */
@ApplicationScoped
public class MigrationRunner {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(MigrationRunner.class);
    /** How long bookkeeping in Ferry's own schema after a change is tried again. */
    private static final java.time.Duration RECORD_RETRY = java.time.Duration.ofMinutes(2);

    private final TargetRegistry targets;
    private final ScriptRecords records;
    private final ScriptProgress progress;
    private final ChangeGuard guard;

    public MigrationRunner(TargetRegistry targets, ScriptRecords records, ScriptProgress progress, ChangeGuard guard) {
        this.targets = targets;
        this.records = records;
        this.progress = progress;
        this.guard = guard;
    }

    /**
     * The change guard (schema drift) before a migrate or revert: a refusal, unless forced; a forced run
     * past it gets a blocking finding, so it is alerted like any forced run. A target with a half-applied
     * version is not checked: its live schema holds statements its history does not record yet.
     */
    Optional<FerryException> guardRefusal(TargetDatabase target, boolean force, boolean halfApplied, List<LintFinding> findings) {
        if (halfApplied) {
            return Optional.empty();
        }
        Optional<FerryException> refusal = guard.refusal(target);
        if (refusal.isPresent() && force) {
            findings.add(new LintFinding("(live schema)", 0, LintRule.SCHEMA_DRIFT.id(), LintSeverity.BLOCK, refusal.get().getMessage(), null,
                    null));
            return Optional.empty();
        }
        return refusal;
    }

    /** The statements recorded on a target as its history {@code info} stands, for a revert or a repair that must know what ran. */
    ScriptProgress.Journal journal(TargetDatabase target, MigrationInfoService info) {
        return progress.journal(target.name(), info);
    }

    private TargetDatabase target(String name) {
        return targets.get(name);
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
     * A version that stopped half-way (a failed statement, or Ferry stopped) continues at its next
     * statement, provided the statements that ran are unchanged.
     */
    public MigrationOutcome migrate(String targetName, Optional<String> toVersion, boolean force, boolean dryRun) {
        return migrate(targetName, toVersion, force, dryRun, progress -> {
        }, false);
    }

    /**
     * As {@link #migrate(String, Optional, boolean, boolean)}; a statement that runs long reports to
     * {@code progress}. With {@code recordOnly} (forced), the pending scripts are recorded as applied
     * without running: their changes are already in the schema (a hand change captured with generate).
     */
    public MigrationOutcome migrate(String targetName, Optional<String> toVersion, boolean force, boolean dryRun,
            java.util.function.Consumer<DdlProgress> ddlProgress, boolean recordOnly) {
        TargetDatabase target = target(targetName);
        try (TargetLock lock = dryRun ? null : TargetLock.acquire(target)) {
            Flyway flyway = target.flyway(toVersion);
            MigrationInfoService history = call(flyway::info);
            String versionBefore = currentVersion(history);
            ScriptCatalog.Index scripts = target.scripts().index();
            ScriptProgress.Journal journal = progress.journal(target.name(), history);
            Optional<FerryException> historyProblem = changedScripts(history).or(() -> unresolvedHistory(history))
                    .or(() -> halfApplied(target, history, journal, scripts, !dryRun));
            if (historyProblem.isPresent()) {
                return MigrationOutcome.refused(versionBefore, List.of(), historyProblem.get());
            }
            // Only a resume (a failed row of a version with recorded statements: any other failed row was refused above)
            // changes the history here; otherwise the info read first is still the history.
            boolean resumed = !dryRun && Arrays.stream(history.applied()).anyMatch(m -> m.getState().isFailed());
            MigrationInfoService before = resumed ? call(flyway::info) : history;
            List<MigrationInfo> pending = Arrays.asList(before.pending());
            List<ScriptCatalog.Script> pendingScripts = pending.stream().map(m -> scripts.read(m.getScript())).flatMap(Optional::stream)
                    .toList();
            if (recordOnly && !dryRun) {
                List<LintFinding> recorded = List.of(new LintFinding("(live schema)", 0, LintRule.SCHEMA_DRIFT.id(), LintSeverity.BLOCK,
                        "recorded as applied without running (options.recordOnly): " + pending.stream().map(MigrationInfo::getScript).toList(),
                        null, null));
                try (journal) {
                    return apply(target, flyway, versionBefore, recorded, scripts, journal,
                            new ScriptRun(StatementJournal.NONE, ddlProgress, null, force, true), lock);
                }
            }
            List<LintFinding> findings = new ArrayList<>(target.lint(pendingScripts, Map.of()));
            findings.addAll(validationGate(target, pending));
            // A real run needs to know only about copies of large tables; a dry run shows every table change's algorithm.
            List<PlannedStatement> tableChanges = AlterProbe.plan(target, pendingScripts, dryRun);
            tableChanges.stream().filter(PlannedStatement::copiesLargeTable).forEach(c -> findings.add(new LintFinding(c.script(), c.line(),
                    LintRule.TABLE_COPY.id(), LintSeverity.BLOCK, LintRule.TABLE_COPY.description() + " (table " + c.table() + ")", null, null)));
            // Copies of smaller tables: what makes a statement expensive, said in the plan, not refused.
            LintSeverity rebuild = target.severity(LintRule.TABLE_REBUILD);
            tableChanges.stream().filter(c -> c.copies() && !c.largeTable() && rebuild != LintSeverity.OFF).forEach(c -> findings.add(
                    new LintFinding(c.script(), c.line(), LintRule.TABLE_REBUILD.id(), rebuild, LintRule.TABLE_REBUILD.description()
                            + " (table " + c.table() + ")", null, null)));
            if (dryRun) {
                Optional<FerryException> check = firstScriptCheck(target, pendingScripts);
                if (check.isPresent()) {
                    return MigrationOutcome.refused(versionBefore, findings, check.get());
                }
                List<PlannedScript> plan = pending.stream().map(m -> new PlannedScript(version(m), m.getDescription(), m.getScript(),
                        scripts.read(m.getScript()).map(ScriptCatalog.Script::text).orElse("-- " + m.getType() + " migration " + m.getScript()),
                        nonEmpty(tableChanges.stream().filter(c -> c.script().equals(m.getScript())).toList()))).toList();
                return new MigrationOutcome(versionBefore, versionBefore, List.of(), plan, findings, null);
            }
            boolean halfApplied = !journal.versions().isEmpty() || Arrays.stream(history.applied()).anyMatch(m -> m.getState().isFailed());
            Optional<FerryException> refusal = guardRefusal(target, force, halfApplied, findings).or(() -> LintRefusal.of(findings, force))
                    .or(() -> tableCopies(tableChanges, force));
            if (refusal.isPresent()) {
                return MigrationOutcome.refused(versionBefore, findings, refusal.get());
            }
            try (journal) {
                return apply(target, flyway, versionBefore, findings, scripts, journal,
                        new ScriptRun(journal, ddlProgress, target::connection, force, false), lock);
            }
        }
    }

    /** Copies of large tables refuse the run before anything runs, unless forced (then they block writes while they run). */
    private static Optional<FerryException> tableCopies(List<PlannedStatement> tableChanges, boolean force) {
        List<PlannedStatement> copies = tableChanges.stream().filter(PlannedStatement::copiesLargeTable).toList();
        if (copies.isEmpty() || force) {
            return Optional.empty();
        }
        List<String> where = copies.stream().map(c -> c.script() + " statement " + c.index() + " (line " + c.line() + ", table " + c.table()
                + ")").toList();
        return Optional.of(new FerryException(ErrorCode.TABLE_COPY_REQUIRED, "These statements need a copy of a table with at least"
                + " ddl.large-table-rows rows, which blocks its writes for as long as it runs: " + where + ". Enable ddl.online-tool"
                + " (pt-online-schema-change), change the statements, or send force: true for a maintenance window. Nothing ran.",
                copies.get(0).script(), Map.of("statements", copies), null));
    }

    private static <T> List<T> nonEmpty(List<T> list) {
        return list.isEmpty() ? null : list;
    }

    /**
     * A version that ran in part: a failed history row, or (after Ferry stopped) a pending version,
     * with statements in the journal. When those statements are unchanged, its failed row is removed
     * ({@code resume}) so that Flyway runs it again and {@link ScriptStatements} continues where it
     * stopped; a failed row with nothing recorded (an undo that stopped, or hand work) is NEEDS_REPAIR.
     * Journal entries of versions the history records as applied are left-overs and are forgotten.
     */
    private static Optional<FerryException> halfApplied(TargetDatabase target, MigrationInfoService info, ScriptProgress.Journal journal,
            ScriptCatalog.Index scripts, boolean resume) {
        Set<String> appliedVersions = Arrays.stream(info.applied()).filter(m -> !m.getState().isFailed()).map(FlywayResults::version)
                .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.toSet());
        List<String> leftOver = journal.versions().stream().filter(appliedVersions::contains).toList();
        if (resume && !leftOver.isEmpty()) {
            journal.forget(leftOver);
        }
        Optional<MigrationInfo> failed = Arrays.stream(info.applied()).filter(m -> m.getState().isFailed()).findFirst();
        Optional<MigrationInfo> stopped = failed.or(() -> Arrays.stream(info.pending()).findFirst()
                .filter(m -> !journal.applied(version(m)).isEmpty()));
        if (stopped.isEmpty()) {
            return Optional.empty();
        }
        MigrationInfo m = stopped.get();
        List<StatementRun> ran = journal.applied(version(m));
        if (ran.isEmpty()) {
            return failedHistory(info);
        }
        Optional<String> changed = scripts.read(m.getScript()).map(s -> ScriptStatements.changedSinceRun(s.name(), SqlStatements.split(s.text()), ran))
                .orElse(Optional.of(m.getScript() + " is gone, but " + ran.size() + " of its statements ran"));
        if (changed.isPresent()) {
            return Optional.of(new FerryException(ErrorCode.HISTORY_MISMATCH, changed.get() + ". Statements that ran: " + lines(ran) + ".",
                    m.getScript(), Map.of("statementsApplied", ran, "resumable", false), null));
        }
        if (resume && failed.isPresent()) {
            try (Connection c = target.connection()) {
                MetadataLocks.forgetFailed(c, target.config().historyTable(), version(m));
            } catch (SQLException e) {
                throw FerryException.targetUnavailable("Cannot reach the target to resume " + m.getScript(), e);
            }
        }
        LOG.infof("%s ran up to statement %d before; continuing at statement %d", m.getScript(), ran.size(), ran.size() + 1);
        return Optional.empty();
    }

    /**
     * Runs Flyway's migrate, each V script statement by statement ({@link ScriptStatements}). A script
     * that fails at its first statement changed nothing: its failed row is removed and the target stays
     * at the version before. One that fails later keeps its failed row and its recorded statements, so
     * a migrate with the script fixed from that statement on continues there.
     */
    private MigrationOutcome apply(TargetDatabase target, Flyway flyway, String versionBefore, List<LintFinding> findings,
            ScriptCatalog.Index scripts, ScriptProgress.Journal journal, ScriptRun run, TargetLock lock) {
        List<AppliedMigration> applied = new ArrayList<>();
        try {
            MigrateResult result = target.running(run, flyway::migrate);
            applied.addAll(applied(target, result, scripts, journal, lock));
            String versionAfter = result.targetSchemaVersion != null ? result.targetSchemaVersion : versionBefore;
            return new MigrationOutcome(versionBefore, versionAfter, applied, null, findings, null);
        } catch (FlywayMigrateException e) {
            applied.addAll(applied(target, e.getErrorResult(), scripts, journal, lock));
            Optional<StatementFailure> statement = StatementFailure.in(e);
            String script = e.getMigration() == null ? null : e.getMigration().getScript();
            if (e.getMigration() != null) {
                applied.add(new AppliedMigration(version(e.getMigration()), e.getMigration().getDescription(), script,
                        e.getMigration().getType().name(), MigrationState.FAILED.name(), Instant.now(), null, null, null)
                        .withStatements(journal.ranNow(version(e.getMigration()))));
            }
            Optional<ScriptChecks.Failed> check = ScriptChecks.Failed.in(e);
            FerryException failure = check.isPresent() ? checkFailed(target, check.get(), journal, applied.size() > 1)
                    : statement.isPresent() ? statementFailed(target, statement.get(), journal)
                    : new FerryException(ErrorCode.MIGRATION_FAILED, script + " failed: " + FlywayResults.serverMessage(e)
                            + ". MySQL DDL is not transactional: statements before the failing one stay applied;"
                            + " fix the target and the script, then send a repair request.", script, Map.of("needsRepair", true), e);
            return new MigrationOutcome(versionBefore, currentVersion(call(flyway::info)), applied, null, findings, failure);
        } catch (FlywayValidateException e) {
            throw new FerryException(ErrorCode.HISTORY_MISMATCH, FlywayResults.serverMessage(e));
        } catch (FlywayException e) {
            throw FlywayResults.translate(e);
        }
    }

    /**
     * What a migrate applied, each with the statements that ran now. Their journal entries are done with:
     * they go after the answer, before the target lock is released (a revert and a new run of the same
     * version in the next change would otherwise find them under the same history mark).
     */
    private List<AppliedMigration> applied(TargetDatabase target, MigrateResult result, ScriptCatalog.Index scripts,
            ScriptProgress.Journal journal, TargetLock lock) {
        if (result == null || result.migrations == null) {
            return List.of();
        }
        List<AppliedMigration> applied = result.migrations.stream()
                .map(m -> FlywayResults.toApplied(m).withStatements(m.version == null ? List.of() : journal.ranNow(m.version))).toList();
        rememberUndoScripts(target, applied, scripts);
        List<String> versions = applied.stream().map(AppliedMigration::version).filter(java.util.Objects::nonNull).toList();
        Runnable forget = journal.forgetLater(versions);
        lock.beforeRelease(() -> afterTheChange("forget the statement records of " + target.name() + " " + versions, forget));
        return applied;
    }

    /**
     * The result of a V script statement that failed. Nothing of the script ran when it was the first
     * statement (nothing recorded): the failed row goes and the target stays where it was. Otherwise the
     * statements before it stay applied and recorded, and a migrate with the script fixed continues.
     */
    private static FerryException statementFailed(TargetDatabase target, StatementFailure f, ScriptProgress.Journal journal) {
        List<StatementRun> ran = journal.applied(f.version());
        boolean nothingRan = ran.isEmpty();
        if (nothingRan) {
            forgetFailedRow(target, f.script(), f.version());
        }
        String where = f.script() + " statement " + f.index() + " (line " + f.line() + ": " + f.statement() + ")";
        String state = nothingRan ? " Nothing of " + f.script() + " ran; the target stays at the version before it."
                : " Statements " + lines(ran) + " of " + f.script() + " ran and are recorded (MySQL DDL is not transactional)."
                        + " Fix the script from statement " + f.index() + " on (leave the statements that ran as they are) and send"
                        + " migrate again: Ferry continues at statement " + f.index() + ". Or repair with a reason.";
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("line", f.line());
        details.put("statementIndex", f.index());
        details.put("statementsApplied", ran);
        details.put("needsRepair", false);
        details.put("resumable", !nothingRan);
        if (f.lockWait()) {
            details.put("table", f.table().orElse("unknown"));
            details.put("blockers", f.blockers());
            details.put("tries", f.lockRetries() + 1);
            TargetsConfig.Ddl ddl = target.config().ddl();
            return new FerryException(ErrorCode.DDL_LOCK_TIMEOUT, where + " did not get the metadata lock on " + f.table().orElse("its table")
                    + " in " + (f.lockRetries() + 1) + " tries of " + ddl.lockWait().toSeconds() + " s each. Blocking: " + f.blockers()
                    + "." + state + (nothingRan ? " Send the request again once the blocking transactions end." : ""), f.script(), details, f);
        }
        return new FerryException(ErrorCode.MIGRATION_FAILED, where + " failed: " + f.serverMessage() + "." + state, f.script(), details, f);
    }

    /**
     * A dry run asks the first pending script's {@code -- ferry:check} assertions of the live target (the
     * later scripts' checks depend on what the scripts before them do, so they are asked when they run).
     */
    private static Optional<FerryException> firstScriptCheck(TargetDatabase target, List<ScriptCatalog.Script> pending) {
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        ScriptCatalog.Script first = pending.get(0);
        try (Connection c = target.connection()) {
            ScriptChecks.verify(c, first.name(), null, ScriptChecks.of(first.text()), false);
            return Optional.empty();
        } catch (ScriptChecks.Failed f) {
            return Optional.of(new FerryException(ErrorCode.CHECK_FAILED, RequestStatus.REJECTED, f.describe() + ". Nothing ran (dry run).",
                    f.script(), f.details(), f));
        } catch (SQLException e) {
            throw FerryException.targetUnavailable("Lost the target while checking " + first.name(), e);
        }
    }

    /**
     * A check of a script that found rows. Before the script: nothing of it ran, so its failed row goes, and
     * the request is REJECTED unless scripts before it ran in this run. After it: every statement ran and is
     * recorded; once the data is right, the next migrate runs the check again and records the version.
     */
    private static FerryException checkFailed(TargetDatabase target, ScriptChecks.Failed f, ScriptProgress.Journal journal,
            boolean earlierScriptsRan) {
        Map<String, Object> details = new java.util.LinkedHashMap<>(f.details());
        if (!f.check().after()) {
            forgetFailedRow(target, f.script(), f.version());
            String state = earlierScriptsRan ? " The scripts before it are applied; nothing of " + f.script() + " ran."
                    : " Nothing ran; the target stays where it was.";
            return new FerryException(ErrorCode.CHECK_FAILED, earlierScriptsRan ? RequestStatus.FAILED : RequestStatus.REJECTED,
                    f.describe() + "." + state, f.script(), details, f);
        }
        details.put("statementsApplied", journal.applied(f.version()));
        details.put("resumable", true);
        return new FerryException(ErrorCode.CHECK_FAILED, RequestStatus.FAILED, f.describe() + ". Every statement of " + f.script()
                + " ran and is recorded; the version is marked failed. Put the data right and send migrate again: Ferry runs the"
                + " check again and records the version. Or repair with a reason.", f.script(), details, f);
    }

    /** Removes the failed history row Flyway wrote for a script none of whose statements ran. */
    private static void forgetFailedRow(TargetDatabase target, String script, String version) {
        afterTheChange("forget the failed history row of " + script + " on " + target.name(), () -> {
            try (Connection c = target.connection()) {
                MetadataLocks.forgetFailed(c, target.config().historyTable(), version);
            } catch (SQLException e) {
                throw FerryException.targetUnavailable("Lost the target after " + script + " did not run", e);
            }
        });
    }

    /** "1-3 (lines 2, 5, 9)": which statements, and where they are. */
    static String lines(List<StatementRun> ran) {
        if (ran.isEmpty()) {
            return "none";
        }
        return (ran.size() == 1 ? "1" : "1-" + ran.size()) + " (lines " + ran.stream().map(r -> String.valueOf(r.line()))
                .collect(java.util.stream.Collectors.joining(", ")) + ")";
    }

    /** Flyway repair: removes failed history rows and realigns checksums of edited scripts. */
    public MigrationOutcome repair(String targetName) {
        TargetDatabase target = target(targetName);
        try (TargetLock lock = TargetLock.acquire(target)) {
            Flyway flyway = target.flyway(Optional.empty());
            String versionBefore = currentVersion(call(flyway::info));
            ScriptProgress.Journal journal = journal(target, call(flyway::info));
            RepairResult result = call(flyway::repair);
            // A person took over the half-applied versions: what Ferry recorded of them no longer says what the target holds.
            journal.forget(result.migrationsRemoved.stream().map(r -> r.version).filter(java.util.Objects::nonNull).toList());
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
        ScriptProgress.Journal journal = journal(target, info);
        Optional<MigrationInfo> stoppedIn = Arrays.stream(info.all()).filter(m -> m.getVersion() != null
                && (m.getState().isFailed() || !m.getState().isApplied()) && journal.versions().contains(version(m))).findFirst();
        FerryException failure;
        if (stoppedIn.isPresent()) {
            List<StatementRun> ran = journal.applied(version(stoppedIn.get()));
            failure = new FerryException(ErrorCode.INTERRUPTED, "Ferry stopped in " + stoppedIn.get().getScript() + " after statements "
                    + lines(ran) + ", which are recorded. Applied before it: " + applied + ". Still pending: " + pending
                    + ". Send migrate again: it continues at statement " + (ran.size() + 1) + ".", stoppedIn.get().getScript(),
                    Map.of("statementsApplied", ran, "resumable", true, "needsRepair", false), null);
        } else if (failed.isPresent()) {
            failure = new FerryException(ErrorCode.NEEDS_REPAIR, "Ferry stopped while applying or undoing " + failed.get().script()
                    + ", which the history records as failed (half-done). Applied before it: " + applied
                    + ". Still pending: " + pending + ". Fix the target, then send a repair request.",
                    failed.get().script(), Map.of("needsRepair", true), null);
        } else {
            failure = new FerryException(ErrorCode.INTERRUPTED, "Ferry stopped while the request was running. Applied: " + applied
                    + ". Still pending: " + pending + ". Send a new request to continue.");
        }
        String current = currentVersion(info);
        return new MigrationOutcome(null, current, touched, null, List.of(), failure);
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
        // A failed row's checksum is the broken script's; a half-applied script is compared statement by statement instead.
        List<String> changed = Arrays.stream(info.applied())
                .filter(m -> !m.getState().isFailed() && m.getResolvedChecksum() != null && !m.isChecksumMatching())
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
