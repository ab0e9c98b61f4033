package dev.ferry.alert;

/**
 * Where alerts go first: the {@code migration-alerts} topic. Implemented where Ferry's producers live
 * (request's EventPublisher), so alerting does not depend on request handling.
 */
public interface AlertPublisher {

    /** Publishes the alert and returns once the broker has it. */
    void publishAlert(Alert alert);
}
