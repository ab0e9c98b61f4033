package dev.ferry.alert;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

/**
 * Forwards alerts to an Alertmanager-compatible webhook ({@code POST /api/v2/alerts}) in the
 * background through the Quarkus REST Client, with a timeout and Mutiny retries. It never blocks request processing, and its outage never
 * touches the Kafka alert, which is published before.
 */
@ApplicationScoped
public class AlertmanagerWebhook {

    private static final Logger LOG = Logger.getLogger(AlertmanagerWebhook.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final AlertsConfig config;
    private final ObjectMapper mapper;
    /** Absent without {@code ferry.alerts.webhook-url}. */
    private final AlertmanagerApi api;

    public AlertmanagerWebhook(AlertsConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.api = config.webhookUrl().map(url -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(url.replaceAll("/$", "")))
                .connectTimeout(config.webhookTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.webhookTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true)
                .build(AlertmanagerApi.class)).orElse(null);
    }

    /** Sends the alert to the webhook in the background; completes with whether it was delivered. */
    public CompletableFuture<Boolean> forward(Alert alert) {
        if (api == null) {
            return CompletableFuture.completedFuture(false);
        }
        List<Map<String, Object>> body = List.of(payload(alert));
        AtomicInteger attempt = new AtomicInteger();
        // Only an unreachable webhook or one answering 429/5xx is tried again: a 4xx will not get better.
        return Uni.createFrom().deferred(() -> {
            int n = attempt.incrementAndGet();
            return api.post(body)
                    .onFailure().transform(e -> {
                        LOG.warnf("Alert webhook unreachable for %s (attempt %d): %s", alert.alertId(), n, e.getMessage());
                        return new NotYetDelivered();
                    })
                    .map(response -> delivered(response, alert, n));
        })
                .onFailure(NotYetDelivered.class).retry().withBackOff(FIRST_BACKOFF, MAX_BACKOFF).withJitter(0.2)
                .atMost(Math.max(0, config.webhookAttempts() - 1))
                .onFailure().recoverWithItem(e -> {
                    LOG.errorf("Alert %s not delivered to the webhook after %d attempt(s); it is on migration-alerts", alert.alertId(),
                            attempt.get());
                    return false;
                })
                .subscribeAsCompletionStage().toCompletableFuture();
    }

    private boolean delivered(Response response, Alert alert, int attempt) {
        try (response) {
            int status = response.getStatus();
            if (status / 100 == 2) {
                return true;
            }
            LOG.warnf("Alert webhook answered %d for %s (attempt %d)", status, alert.alertId(), attempt);
            if (status == 429 || status >= 500) {
                throw new NotYetDelivered();
            }
            throw new IllegalStateException("the webhook refused the alert with " + status);
        }
    }

    /** The webhook was unreachable or busy: worth another attempt. */
    private static final class NotYetDelivered extends RuntimeException {
        NotYetDelivered() {
            super("not yet delivered", null, false, false);
        }
    }

    /** Alertmanager's postable alert: labels identify it, annotations describe it. */
    private Map<String, Object> payload(Alert alert) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", "Ferry" + toCamel(alert.kind()));
        labels.put("severity", alert.severity().name());
        labels.put("kind", alert.kind());
        if (alert.target() != null) {
            labels.put("target", alert.target());
        }
        labels.put("service", "ferry");
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", alert.summary());
        if (alert.requestId() != null) {
            annotations.put("requestId", alert.requestId());
        }
        annotations.put("alertId", alert.alertId());
        try {
            annotations.put("details", mapper.writeValueAsString(alert.details()));
        } catch (JsonProcessingException e) {
            annotations.put("details", String.valueOf(alert.details()));
        }
        Map<String, Object> postable = new LinkedHashMap<>();
        postable.put("labels", labels);
        postable.put("annotations", annotations);
        postable.put("startsAt", alert.occurredAt().toString());
        // One-off events resolve by themselves after a day unless raised again.
        postable.put("endsAt", alert.occurredAt().plus(Duration.ofDays(1)).toString());
        postable.put("generatorURL", config.generatorBaseUrl().replaceAll("/$", "")
                + (alert.requestId() == null ? "/q/health" : "/api/requests/" + alert.requestId()));
        return postable;
    }

    private static String toCamel(String kind) {
        StringBuilder out = new StringBuilder();
        for (String part : kind.split("-")) {
            out.append(part.isEmpty() ? "" : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return out.toString();
    }

    @PreDestroy
    void stop() throws Exception {
        if (api != null) {
            ((AutoCloseable) api).close();
        }
    }
}
