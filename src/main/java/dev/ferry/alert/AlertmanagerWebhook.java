package dev.ferry.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

/**
 * Forwards alerts to an Alertmanager-compatible webhook ({@code POST /api/v2/alerts}) in the
 * background, with a timeout and retries. It never blocks request processing, and its outage never
 * touches the Kafka alert, which is published before.
 */
@ApplicationScoped
public class AlertmanagerWebhook {

    private static final Logger LOG = Logger.getLogger(AlertmanagerWebhook.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final AlertsConfig config;
    private final ObjectMapper mapper;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ferry-alert-webhook");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client;

    public AlertmanagerWebhook(AlertsConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.webhookTimeout()).build();
    }

    /** Queues the alert for the webhook; returns at once. */
    public CompletableFuture<Boolean> forward(Alert alert) {
        if (config.webhookUrl().isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return CompletableFuture.supplyAsync(() -> deliver(alert), sender);
    }

    private boolean deliver(Alert alert) {
        String body;
        try {
            body = mapper.writeValueAsString(List.of(payload(alert)));
        } catch (JsonProcessingException e) {
            LOG.errorf(e, "Alert %s cannot be serialised for the webhook", alert.alertId());
            return false;
        }
        URI uri = URI.create(config.webhookUrl().get().replaceAll("/$", "") + "/api/v2/alerts");
        AtomicInteger attempt = new AtomicInteger();
        try {
            // Only an unreachable webhook or one answering 429/5xx is tried again: a 4xx will not get better.
            Uni.createFrom().item(() -> post(uri, body, alert, attempt.incrementAndGet()))
                    .onFailure(NotYetDelivered.class).retry().withBackOff(FIRST_BACKOFF, MAX_BACKOFF).withJitter(0.2)
                    .atMost(Math.max(0, config.webhookAttempts() - 1))
                    .await().indefinitely();
            return true;
        } catch (RuntimeException e) {
            LOG.errorf("Alert %s not delivered to the webhook after %d attempt(s); it is on migration-alerts", alert.alertId(),
                    attempt.get());
            return false;
        }
    }

    private Boolean post(URI uri, String body, Alert alert, int attempt) {
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).timeout(config.webhookTimeout())
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return Boolean.TRUE;
            }
            LOG.warnf("Alert webhook answered %d for %s (attempt %d)", status, alert.alertId(), attempt);
            if (status == 429 || status >= 500) {
                throw new NotYetDelivered();
            }
            throw new IllegalStateException("the webhook refused the alert with " + status);
        } catch (java.io.IOException e) {
            LOG.warnf("Alert webhook unreachable for %s (attempt %d): %s", alert.alertId(), attempt, e.getMessage());
            throw new NotYetDelivered();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
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
    void stop() throws InterruptedException {
        sender.shutdown();
        sender.awaitTermination(5, TimeUnit.SECONDS);
    }
}
