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

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Forwards alerts to an Alertmanager-compatible webhook ({@code POST /api/v2/alerts}) in the
 * background, with a timeout and retries. It never blocks request processing, and its outage never
 * touches the Kafka alert, which is published before.
 */
@ApplicationScoped
public class AlertmanagerWebhook {

    private static final Logger LOG = Logger.getLogger(AlertmanagerWebhook.class);

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
        for (int attempt = 1; attempt <= config.webhookAttempts(); attempt++) {
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).timeout(config.webhookTimeout())
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    return true;
                }
                LOG.warnf("Alert webhook answered %d for %s (attempt %d)", response.statusCode(), alert.alertId(), attempt);
            } catch (java.io.IOException e) {
                LOG.warnf("Alert webhook unreachable for %s (attempt %d): %s", alert.alertId(), attempt, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep(Math.min(5_000L, 250L << (attempt - 1)));
        }
        LOG.errorf("Alert %s not delivered to the webhook after %d attempts; it is on migration-alerts", alert.alertId(),
                config.webhookAttempts());
        return false;
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        sender.shutdown();
        sender.awaitTermination(5, TimeUnit.SECONDS);
    }
}
