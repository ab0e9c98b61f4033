package dev.ferry.drift;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.migration.AppliedMigration;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.migration.MigrationRunner;
import dev.ferry.migration.TargetDatabase;
import dev.ferry.migration.TargetRegistry;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.validation.SchemaSnapshot;
import dev.ferry.validation.ScriptedSchema;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Compares a target's live schema with the schema its applied scripts produce. The expected schema is
 * built in a sandbox from the scripts up to the current version and kept per version and script texts,
 * so a second check costs one read of the live schema (and of the script files). Each check sets the target's
 * {@code ferry_schema_drift_objects} gauge.
 */
@ApplicationScoped
public class DriftDetector {

    /** Expected schemas kept at most (a few versions of every target). */
    private static final int CACHED = 64;

    private final MigrationRunner runner;
    private final TargetRegistry targets;
    private final MeterRegistry metrics;
    private final Map<String, SchemaSnapshot> expected = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SchemaSnapshot> eldest) {
            return size() > CACHED;
        }
    });
    private final Map<String, Object> targetLocks = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();
    private final Map<String, LastCheck> lastChecks = new ConcurrentHashMap<>();

    /** What the latest check of a target found, scheduled or asked for: objects that differ, and when. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record LastCheck(String target, int objects, Instant checkedAt) {
    }

    public DriftDetector(MigrationRunner runner, TargetRegistry targets, MeterRegistry metrics) {
        this.runner = runner;
        this.targets = targets;
        this.metrics = metrics;
    }

    /** Every difference between the live schema and what the applied scripts produce. */
    public DriftReport check(String targetName) {
        TargetDatabase target = targets.get(targetName);
        synchronized (targetLocks.computeIfAbsent(targetName, name -> new Object())) {
            MigrationOutcome history = runner.info(targetName);
            List<AppliedMigration> applied = history.migrations().stream()
                    .filter(m -> "SUCCESS".equals(m.state()) || "BASELINE".equals(m.state())).toList();
            Optional<AppliedMigration> baseline = applied.stream().filter(m -> "BASELINE".equals(m.type())).findFirst();
            if (baseline.isPresent()) {
                throw new FerryException(ErrorCode.INVALID_REQUEST, "Target " + targetName + " was baselined at version "
                        + baseline.get().version() + ": no scripts describe its schema before that, so drift cannot be told");
            }
            String version = history.versionAfter() == null ? "none" : history.versionAfter();
            // The expected schema is built from the script files as they are now, so the key is their text, not the history's checksums.
            Map<String, String> texts = target.scriptTexts(applied.stream().map(AppliedMigration::script).toList());
            String key = targetName + "@" + version + "#" + texts.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue().hashCode())
                    .collect(Collectors.joining(","));
            SchemaSnapshot want = expected.get(key);
            boolean cached = want != null;
            SchemaSnapshot live;
            if (cached) {
                live = live(target);
            } else {
                // The live schema is read on its own connection while the sandbox is built.
                CompletableFuture<SchemaSnapshot> reading = CompletableFuture.supplyAsync(() -> live(target),
                        Infrastructure.getDefaultWorkerPool());
                want = ScriptedSchema.of(target, Optional.of(version));
                expected.put(key, want);
                try {
                    live = reading.join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException failure ? failure : e;
                }
            }
            List<Difference> differences = SchemaComparison.between(want, live, ignored(target));
            gauge(targetName).set(differences.size());
            DriftReport report = new DriftReport(targetName, history.versionAfter(), differences.isEmpty(), differences.size(), differences,
                    Instant.now(), cached);
            lastChecks.put(targetName, new LastCheck(targetName, differences.size(), report.checkedAt()));
            return report;
        }
    }

    /** The latest check of every target checked since this instance started, by target name. */
    public List<LastCheck> lastChecks() {
        return lastChecks.values().stream().sorted(java.util.Comparator.comparing(LastCheck::target)).toList();
    }

    private static SchemaSnapshot live(TargetDatabase target) {
        try (Connection connection = target.connection()) {
            return SchemaSnapshot.read(connection, connection.getCatalog(), target.config().historyTable(), false);
        } catch (SQLException e) {
            throw FerryException.targetUnavailable("Cannot read the live schema of " + target.name(), e);
        }
    }

    private AtomicInteger gauge(String target) {
        return gauges.computeIfAbsent(target, name -> metrics.gauge("ferry.schema.drift.objects", Tags.of("target", name),
                new AtomicInteger()));
    }

    /** Tables the target declares as unmanaged ({@code drift.ignore-tables}, with {@code *} and {@code ?}). */
    private static Predicate<String> ignored(TargetDatabase target) {
        List<Pattern> patterns = target.config().drift().ignoreTables().orElse(List.of()).stream()
                .map(glob -> Pattern.compile(Pattern.quote(glob.trim()).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"),
                        Pattern.CASE_INSENSITIVE))
                .toList();
        return table -> patterns.stream().anyMatch(p -> p.matcher(table).matches());
    }
}
