package dev.ferry.audit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;

/** {@code ferry_audit_unresolved{target}}: failed audit rows nobody resolved yet, refreshed every minute. */
@ApplicationScoped
public class AuditGauges {

    private static final Logger LOG = Logger.getLogger(AuditGauges.class);

    private final Pool audit;
    private final AtomicLong unresolved = new AtomicLong();

    public AuditGauges(@ReactiveDataSource("audit") Pool audit, MeterRegistry registry,
            @ConfigProperty(name = "ferry.audit.target") String target) {
        this.audit = audit;
        Gauge.builder("ferry.audit.unresolved", unresolved, AtomicLong::get).description("Failed backfill audit rows not resolved")
                .tag("target", target).register(registry);
    }

    @Scheduled(every = "${ferry.audit.gauge-every:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            unresolved.set(audit.query("SELECT COUNT(*) FROM user_authid_backfill_audit WHERE resolution_status = 'failed'").execute()
                    .map(rows -> rows.iterator().next().getLong(0)).await().atMost(Duration.ofSeconds(10)));
        } catch (RuntimeException e) {
            LOG.debugf("Audit gauge not refreshed: %s", e.getMessage());
        }
    }
}
