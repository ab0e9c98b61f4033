package dev.ferry.audit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * {@code ferry_audit_unresolved{target}} (failed audit rows nobody resolved) and the age of the oldest
 * of them, refreshed every minute.
 */
@ApplicationScoped
public class AuditGauges {

    private static final Logger LOG = Logger.getLogger(AuditGauges.class);

    private final Pool audit;
    private final AtomicLong unresolved = new AtomicLong();
    private final AtomicLong oldestUnresolvedAge = new AtomicLong();

    public AuditGauges(@ReactiveDataSource("audit") Pool audit, MeterRegistry registry, AuditConfig config) {
        this.audit = audit;
        String target = config.target();
        Gauge.builder("ferry.audit.unresolved", unresolved, AtomicLong::get).description("Failed backfill audit rows not resolved")
                .tag("target", target).register(registry);
        Gauge.builder("ferry.audit.oldest.unresolved.age", oldestUnresolvedAge, AtomicLong::get).baseUnit("seconds")
                .description("Age of the oldest failed audit row nobody resolved").tag("target", target).register(registry);
    }

    @Scheduled(every = "${ferry.audit.gauge-every:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            io.vertx.mutiny.sqlclient.Row row = audit.query("SELECT COUNT(*), TIMESTAMPDIFF(SECOND, MIN(attempted_at), UTC_TIMESTAMP(3))"
                    + " FROM user_authid_backfill_audit WHERE resolution_status = 'failed'").execute()
                    .map(rows -> rows.iterator().next()).await().atMost(Duration.ofSeconds(10));
            unresolved.set(row.getLong(0));
            oldestUnresolvedAge.set(row.getValue(1) == null ? 0 : row.getLong(1));
        } catch (RuntimeException e) {
            LOG.debugf("Audit gauge not refreshed: %s", e.getMessage());
        }
    }
}
