package dev.ferry.alert;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/** Raises one warning alert for each request RUNNING longer than {@code ferry.alerts.stuck-after}. */
@ApplicationScoped
public class StuckRequestWatch {

    private static final Logger LOG = Logger.getLogger(StuckRequestWatch.class);

    private final DataSource ledger;
    private final Alerts alerts;
    private final AlertsConfig config;
    private final io.micrometer.core.instrument.Counter stuckCount;

    public StuckRequestWatch(DataSource ledger, Alerts alerts, AlertsConfig config, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.ledger = ledger;
        this.alerts = alerts;
        this.config = config;
        this.stuckCount = metrics.counter("ferry.stuck.requests");
    }

    @Scheduled(every = "${ferry.alerts.stuck-check-every:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        try (Connection c = ledger.getConnection(); PreparedStatement stuck = c.prepareStatement("SELECT request_id, action, target,"
                + " started_at, instance FROM ferry_request WHERE status = 'RUNNING' AND started_at < ? AND stuck_alerted_at IS NULL"
                // A rollout runs as long as its targets take; each target's child request is watched on its own.
                + " AND action <> 'rollout'");
                PreparedStatement mark = c.prepareStatement("UPDATE ferry_request SET stuck_alerted_at = ? WHERE request_id = ?"
                        + " AND stuck_alerted_at IS NULL")) {
            stuck.setObject(1, now.minus(config.stuckAfter()));
            try (ResultSet rs = stuck.executeQuery()) {
                while (rs.next()) {
                    mark.setObject(1, now);
                    mark.setString(2, rs.getString(1));
                    if (mark.executeUpdate() == 1) { // another instance may have raised it already
                        raise(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDateTime.class), rs.getString(5), now);
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Stuck-request check skipped: %s", e.getMessage());
        }
    }

    private void raise(String requestId, String action, String target, LocalDateTime started, String instance, LocalDateTime now) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", action);
        details.put("startedAt", started.toInstant(ZoneOffset.UTC).toString());
        details.put("runningFor", Duration.between(started, now).toString());
        details.put("instance", instance);
        stuckCount.increment();
        alerts.raise(Alert.of(AlertKind.STUCK_REQUEST, target, requestId,
                action + " on " + target + " has been RUNNING since " + started + " UTC", details));
    }
}
