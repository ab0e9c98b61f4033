package dev.ferry.alert;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where alerts go besides {@code migration-alerts}: {@code ferry.alerts.*}. */
@ConfigMapping(prefix = "ferry.alerts")
public interface AlertsConfig {

    /** Alertmanager base URL (alerts are POSTed to {@code <url>/api/v2/alerts}); none: Kafka only. */
    Optional<String> webhookUrl();

    @WithDefault("5s")
    Duration webhookTimeout();

    /** Attempts per alert before the webhook gives up (the Kafka alert is already published). */
    @WithDefault("4")
    int webhookAttempts();

    /** Base of the link from an alert back to its request, e.g. {@code https://ferry.example.org}. */
    @WithDefault("http://ferry")
    String generatorBaseUrl();

    /** How often the ledger is checked for stuck requests. */
    @WithDefault("60s")
    Duration stuckCheckEvery();

    /** A request RUNNING longer than this raises a stuck-request alert. */
    @WithDefault("30m")
    Duration stuckAfter();
}
