package dev.ferry.migration;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateOutput;

import dev.ferry.RequestStatus;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/** Reading Flyway's answers into Ferry's terms, and its exceptions into Ferry's error codes. */
public final class FlywayResults {

    private FlywayResults() {
    }

    /** The highest successfully applied version (Flyway's current() may be a failed one). */
    static String currentVersion(MigrationInfoService info) {
        MigrationInfo current = null;
        for (MigrationInfo m : info.applied()) {
            if (m.getVersion() != null && m.getState().isApplied() && !m.getState().isFailed()) {
                current = m;
            }
        }
        return version(current);
    }

    static String version(MigrationInfo info) {
        return info == null || info.getVersion() == null ? null : info.getVersion().getVersion();
    }

    static AppliedMigration toApplied(MigrateOutput m) {
        return new AppliedMigration(m.version, m.description, fileName(m.filepath), m.type, MigrationState.SUCCESS.name(),
                Instant.now(), m.executionTime, null, null);
    }

    static AppliedMigration toApplied(MigrationInfo m) {
        Boolean checksumChanged = m.getState().isApplied() && m.getResolvedChecksum() != null && !m.isChecksumMatching()
                ? Boolean.TRUE : null;
        return new AppliedMigration(version(m), m.getDescription(), m.getScript(), m.getType().name(), m.getState().name(),
                m.getInstalledOn() == null ? null : m.getInstalledOn().toInstant(), m.getExecutionTime(), m.getChecksum(),
                checksumChanged);
    }

    /** Runs a Flyway call, turning its exceptions into Ferry's codes. */
    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (FerryException e) {
            throw e;
        } catch (FlywayException e) {
            throw translate(e);
        }
    }

    static FerryException translate(FlywayException e) {
        // A lost, refused or timed-out connection is the target being away, not a script failing.
        if (dev.ferry.Transient.is(e)) {
            return FerryException.targetUnavailable("Cannot reach the target database", e);
        }
        return new FerryException(ErrorCode.MIGRATION_FAILED, serverMessage(e), null, Map.of(), e);
    }

    /**
     * CHECK_FAILED (FAILED) when what stopped a run elsewhere than on the target (the validation sandbox)
     * was a script's {@code -- ferry:check} assertion.
     */
    public static Optional<FerryException> checkFailed(Throwable e, String where, Map<String, Object> context) {
        return cause(e, ScriptChecks.Failed.class).map(f -> {
            Map<String, Object> details = new java.util.LinkedHashMap<>(f.details());
            details.putAll(context);
            return new FerryException(ErrorCode.CHECK_FAILED, RequestStatus.FAILED, f.describe() + " " + where, f.script(), details, f);
        });
    }

    /** The database server's own words, without Flyway's multi-line report around them. */
    public static String serverMessage(Throwable e) {
        return cause(e, SQLException.class).map(SQLException::getMessage).orElse(e.getMessage());
    }

    /** The first failure of that type in {@code e}'s chain of causes, however Flyway or Mutiny wrapped it. */
    static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    private static String fileName(String path) {
        if (path == null) {
            return null;
        }
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
