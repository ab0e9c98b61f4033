package dev.ferry.request;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while a request record has waited longer than {@code ferry.requests.stall-after} for its
 * acknowledgement with nothing running on its partition: its offset, and every later one, cannot be
 * committed, and someone should know.
 */
@Readiness
@ApplicationScoped
public class StalledPartitionsCheck implements HealthCheck {

    private final RequestConsumer consumer;
    private final RequestsConfig config;

    public StalledPartitionsCheck(RequestConsumer consumer, RequestsConfig config) {
        this.consumer = consumer;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        List<RequestConsumer.Stalled> stalled = consumer.stalled(Instant.now(), config.stallAfter());
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ferry-request-partitions").status(stalled.isEmpty());
        stalled.forEach(s -> response.withData("partition-" + s.partition(), "offset " + s.offset() + " unacknowledged since " + s.since()));
        return response.build();
    }
}
