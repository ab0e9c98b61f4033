package dev.ferry.migration;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
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
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.RepairResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/** Runs Flyway commands against a target: migrate (or plan it), info, repair, and post-crash inspection. */
@ApplicationScoped
public class MigrationRunner {

    private final TargetRegistry targets;

    public MigrationRunner(TargetRegistry targets) {
        this.targets = targets;
    }

    public TargetDatabase target(String name) {
        return targets.find(name)
                .orElseThrow(() -> new FerryException(ErrorCode.UNKNOWN_TARGET, "Unknown target '" + name + "'; configured: "
                        + targets.all().stream().map(TargetDatabase::name).toList()));
    }

    /** Every script the target knows of, applied or pending, as {@code migration:show} lists them. */
    public MigrationOutcome info(String targetName) {
        TargetDatabase target = target(targetName);
        MigrationInfoService info = flywayCall(() -> target.flyway(Optional.empty()).info());
        String current = currentVersion(info);
        return new MigrationOutcome(current, current, Arrays.stream(info.all()).map(MigrationRunner::toApplied).toList(), null,
                null);
    }

    /** The SQL that {@code migrate} would run, in order; nothing is changed. */
    public MigrationOutcome plan(String targetName, Optional<String> toVersion) {
        TargetDatabase target = target(targetName);
        MigrationInfoService info = flywayCall(() -> target.flyway(toVersion).info());
        refuseFailedHistory(info);
        List<PlannedScript> plan = Arrays.stream(info.pending())
                .map(m -> new PlannedScript(version(m), m.getDescription(), m.getScript(),
                        target.scriptText(m.getScript()).orElse("-- " + m.getType() + " migration " + m.getScript())))
                .toList();
        String current = currentVersion(info);
        return new MigrationOutcome(current, current, List.of(), plan, null);
    }

    /** Applies the pending scripts (up to {@code toVersion}) under the target's lock. */
    public MigrationOutcome migrate(String targetName, Optional<String> toVersion) {
        TargetDatabase target = target(targetName);
        try (TargetLock lock = TargetLock.acquire(target)) {
            Flyway flyway = target.flyway(toVersion);
            MigrationInfoService before = flywayCall(flyway::info);
            refuseFailedHistory(before);
            String versionBefore = currentVersion(before);
            try {
                MigrateResult result = flyway.migrate();
                return new MigrationOutcome(versionBefore, versionAfter(versionBefore, result), applied(result), null, null);
            } catch (FlywayMigrateException e) {
                MigrateResult partial = e.getErrorResult();
                String script = e.getMigration() == null ? null : e.getMigration().getScript();
                List<AppliedMigration> migrations = new ArrayList<>(applied(partial));
                if (e.getMigration() != null) {
                    migrations.add(new AppliedMigration(version(e.getMigration()), e.getMigration().getDescription(), script,
                            e.getMigration().getType().name(), MigrationState.FAILED.name(), Instant.now(), null));
                }
                FerryException failure = new FerryException(ErrorCode.MIGRATION_FAILED,
                        script + " failed: " + serverMessage(e)
                                + ". MySQL DDL is not transactional: statements before the failing one stay applied;"
                                + " fix the script, then send a repair request.",
                        script, Map.of("needsRepair", true), e);
                return new MigrationOutcome(versionBefore, currentVersion(flywayCall(flyway::info)), migrations, null, failure);
            } catch (FlywayValidateException e) {
                throw new FerryException(ErrorCode.HISTORY_MISMATCH, e.getMessage());
            } catch (FlywayException e) {
                throw translate(target, e);
            }
        }
    }

    /** Flyway repair: removes failed history rows and realigns checksums. */
    public MigrationOutcome repair(String targetName) {
        TargetDatabase target = target(targetName);
        try (TargetLock lock = TargetLock.acquire(target)) {
            Flyway flyway = target.flyway(Optional.empty());
            String versionBefore = currentVersion(flywayCall(flyway::info));
            RepairResult result = flywayCall(flyway::repair);
            List<AppliedMigration> repaired = new ArrayList<>();
            result.migrationsRemoved.forEach(r -> repaired.add(new AppliedMigration(r.version, r.description, r.filepath, null,
                    "REMOVED", null, null)));
            result.migrationsDeleted.forEach(r -> repaired.add(new AppliedMigration(r.version, r.description, r.filepath, null,
                    "DELETED", null, null)));
            result.migrationsAligned.forEach(r -> repaired.add(new AppliedMigration(r.version, r.description, r.filepath, null,
                    "ALIGNED", null, null)));
            return new MigrationOutcome(versionBefore, currentVersion(flywayCall(flyway::info)), repaired, null, null);
        }
    }

    /**
     * After a crash: what the history says happened since {@code since}. Scripts recorded as failed
     * mean a half-applied change (NEEDS_REPAIR); otherwise the run stopped between scripts.
     */
    public MigrationOutcome inspectSince(String targetName, Instant since) {
        TargetDatabase target = target(targetName);
        MigrationInfoService info = flywayCall(() -> target.flyway(Optional.empty()).info());
        List<AppliedMigration> touched = Arrays.stream(info.applied())
                .filter(m -> m.getInstalledOn() != null && !m.getInstalledOn().toInstant().isBefore(since.minusSeconds(1)))
                .map(MigrationRunner::toApplied)
                .toList();
        List<String> pending = Arrays.stream(info.pending()).map(MigrationInfo::getScript).toList();
        Optional<AppliedMigration> failed = touched.stream().filter(m -> MigrationState.FAILED.name().equals(m.state())).findFirst();
        String applied = touched.stream().filter(m -> !MigrationState.FAILED.name().equals(m.state())).map(AppliedMigration::script)
                .toList().toString();
        FerryException failure = failed.isPresent()
                ? new FerryException(ErrorCode.NEEDS_REPAIR, "Ferry stopped while running " + failed.get().script()
                        + ", which the history records as failed (half-applied). Applied before it: " + applied
                        + ". Still pending: " + pending + ". Fix the target, then send a repair request.",
                        failed.get().script(), Map.of("needsRepair", true), null)
                : new FerryException(ErrorCode.INTERRUPTED, "Ferry stopped while the request was running. Applied: " + applied
                        + ". Still pending: " + pending + ". Send a new request to continue.");
        String current = currentVersion(info);
        return new MigrationOutcome(null, current, touched, null, failure);
    }

    private static void refuseFailedHistory(MigrationInfoService info) {
        Arrays.stream(info.applied()).filter(m -> m.getState() == MigrationState.FAILED).findFirst().ifPresent(m -> {
            throw new FerryException(ErrorCode.NEEDS_REPAIR, "The history of the target records " + m.getScript()
                    + " as failed; fix the target and send a repair request first", m.getScript(), Map.of(), null);
        });
    }

    private static List<AppliedMigration> applied(MigrateResult result) {
        if (result == null || result.migrations == null) {
            return List.of();
        }
        return result.migrations.stream().map(MigrationRunner::toApplied).toList();
    }

    private static AppliedMigration toApplied(MigrateOutput m) {
        return new AppliedMigration(m.version, m.description, fileName(m.filepath), m.type, MigrationState.SUCCESS.name(),
                Instant.now(), m.executionTime);
    }

    private static AppliedMigration toApplied(MigrationInfo m) {
        return new AppliedMigration(version(m), m.getDescription(), m.getScript(), m.getType().name(), m.getState().name(),
                m.getInstalledOn() == null ? null : m.getInstalledOn().toInstant(), m.getExecutionTime());
    }

    private static String versionAfter(String versionBefore, MigrateResult result) {
        return result.targetSchemaVersion != null ? result.targetSchemaVersion : versionBefore;
    }

    /** The highest successfully applied version (Flyway's current() may be a failed one). */
    private static String currentVersion(MigrationInfoService info) {
        MigrationInfo current = null;
        for (MigrationInfo m : info.applied()) {
            if (m.getVersion() != null && m.getState().isApplied() && !m.getState().isFailed()) {
                current = m;
            }
        }
        return version(current);
    }

    private static String version(MigrationInfo info) {
        return info == null || info.getVersion() == null ? null : info.getVersion().getVersion();
    }

    private static String fileName(String path) {
        if (path == null) {
            return null;
        }
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** The database server's own words, without Flyway's multi-line report around them. */
    private static String serverMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getMessage();
            }
        }
        return e.getMessage();
    }

    private static <T> T flywayCall(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (FerryException e) {
            throw e;
        } catch (FlywayException e) {
            throw translate(null, e);
        }
    }

    private static FerryException translate(TargetDatabase target, FlywayException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLNonTransientConnectionException || t instanceof SQLTransientConnectionException) {
                return new FerryException(ErrorCode.TARGET_UNAVAILABLE, "Cannot reach the target database: " + t.getMessage());
            }
        }
        return new FerryException(ErrorCode.MIGRATION_FAILED, serverMessage(e), null, Map.of(), e);
    }
}
