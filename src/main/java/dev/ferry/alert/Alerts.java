package dev.ferry.alert;

import jakarta.enterprise.context.ApplicationScoped;

/** Raises an alert: on {@code migration-alerts} (waiting for the broker), then to the webhook in the background. */
@ApplicationScoped
public class Alerts {

    private final AlertPublisher publisher;
    private final AlertmanagerWebhook webhook;

    public Alerts(AlertPublisher publisher, AlertmanagerWebhook webhook) {
        this.publisher = publisher;
        this.webhook = webhook;
    }

    public void raise(Alert alert) {
        publisher.publishAlert(alert);
        webhook.forward(alert);
    }
}
