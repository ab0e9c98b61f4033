package dev.ferry.request;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.backfill.AuditStatus;
import dev.ferry.backfill.BackfillReport;
import dev.ferry.migration.TargetRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Request metrics for Prometheus. Labels stay low-cardinality: configured targets and known actions
 * only (anything else is "unknown"), never a requestId or an email.
 */
@ApplicationScoped
public class RequestMetrics {

    private final MeterRegistry registry;
    private final TargetRegistry targets;

    public RequestMetrics(MeterRegistry registry, TargetRegistry targets) {
        this.registry = registry;
        this.targets = targets;
    }

    void completed(MigrationResult result) {
        String action = Action.fromWire(result.action()).map(Action::wireName).orElse("unknown");
        String target = targets.find(result.target()).isPresent() ? result.target() : "unknown";
        registry.counter("ferry.requests", "action", action, "target", target, "status", result.status().name()).increment();
        if (result.durationMs() != null) {
            Timer.builder("ferry.request.duration").description("Time from start to result, per action").tag("action", action)
                    .publishPercentileHistogram().register(registry).record(Duration.ofMillis(result.durationMs()));
        }
        if (("migrate".equals(action) || "revert".equals(action)) && result.plan() == null && result.migrations() != null) {
            long changed = result.migrations().stream().filter(m -> "SUCCESS".equals(m.state()) || "UNDONE".equals(m.state())).count();
            registry.counter("ferry.migrations.applied", "target", target, "direction", action.equals("revert") ? "undo" : "up")
                    .increment(changed);
        }
        BackfillReport backfill = result.backfill();
        if (backfill != null && !backfill.dryRun()) {
            registry.counter("ferry.backfill.users", "target", target, "status", AuditStatus.SUCCESS.wire(), "reason", "none").increment(backfill.linked());
            backfill.failedByReason().forEach((reason, count) -> registry.counter("ferry.backfill.users", "target", target,
                    "status", AuditStatus.FAILED.wire(), "reason", reason).increment(count));
        }
    }

    void deadLetter() {
        registry.counter("ferry.dead.letters").increment();
    }
}
