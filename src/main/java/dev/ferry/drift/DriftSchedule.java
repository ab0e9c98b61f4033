package dev.ferry.drift;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.ferry.alert.Alert;
import dev.ferry.alert.AlertKind;
import dev.ferry.alert.Alerts;
import dev.ferry.migration.TargetDatabase;
import dev.ferry.migration.TargetRegistry;
import io.quarkus.scheduler.Scheduled;

/**
 * The scheduled drift check: every target whose {@code drift.check-every} has passed is checked (which
 * sets its gauge), and a {@code schema-drift} alert goes out when a target's drift is new, once per
 * distinct drift, not at every check.
 */
@ApplicationScoped
public class DriftSchedule {

    private static final Logger LOG = Logger.getLogger(DriftSchedule.class);
    private static final int SHOWN = 20;

    private final TargetRegistry targets;
    private final DriftDetector detector;
    private final DriftConfig config;
    private final Alerts alerts;
    private final Map<String, Instant> lastChecked = new ConcurrentHashMap<>();
    private final Map<String, String> lastAlerted = new ConcurrentHashMap<>();

    public DriftSchedule(TargetRegistry targets, DriftDetector detector, DriftConfig config, Alerts alerts) {
        this.targets = targets;
        this.detector = detector;
        this.config = config;
        this.alerts = alerts;
    }

    @Scheduled(every = "${ferry.drift.tick:60s}", delayed = "${ferry.drift.tick:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkDueTargets() {
        Instant now = Instant.now();
        for (TargetDatabase target : targets.all()) {
            String every = target.config().drift().checkEvery().orElse(config.checkEvery()).trim();
            if (every.equalsIgnoreCase("off")) {
                continue;
            }
            Instant last = lastChecked.get(target.name());
            if (last != null && last.plus(parse(every)).isAfter(now)) {
                continue;
            }
            lastChecked.put(target.name(), now);
            try {
                alertIfNew(detector.check(target.name()));
            } catch (RuntimeException e) {
                LOG.warnf("Drift check of %s skipped: %s", target.name(), e.getMessage());
            }
        }
    }

    private void alertIfNew(DriftReport drift) {
        if (drift.clean()) {
            lastAlerted.remove(drift.target());
            return;
        }
        String fingerprint = drift.fingerprint();
        if (fingerprint.equals(lastAlerted.put(drift.target(), fingerprint))) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", drift.version());
        details.put("objects", drift.objects());
        details.put("differences", drift.differences().stream().limit(SHOWN).map(Difference::summary).toList());
        alerts.raise(Alert.of(AlertKind.SCHEMA_DRIFT, drift.target(), null, "The live schema of " + drift.target()
                + " differs from its history in " + drift.objects() + " object(s)", details));
    }

    private static Duration parse(String every) {
        String value = every.toUpperCase(java.util.Locale.ROOT);
        return Duration.parse(value.startsWith("P") ? value : "PT" + value);
    }
}
