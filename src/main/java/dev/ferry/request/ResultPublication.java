package dev.ferry.request;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.alert.Alert;
import dev.ferry.alert.Alerts;

/**
 * How a request's answer leaves Ferry: its result recorded, published and marked published (a crash in
 * between publishes it again, never loses it), its alerts, and the dead letters of records that are no
 * request at all.
 */
@ApplicationScoped
public class ResultPublication {

    private static final Logger LOG = Logger.getLogger(ResultPublication.class);

    private final RequestLedger ledger;
    private final EventPublisher publisher;
    private final Alerts alerts;
    private final RequestMetrics metrics;
    private final ObjectMapper mapper;
    private final BoundedRetry retry;
    private final Event<RequestFinished> finished;

    public ResultPublication(RequestLedger ledger, EventPublisher publisher, Alerts alerts, RequestMetrics metrics, ObjectMapper mapper,
            RequestsConfig config, Event<RequestFinished> finished) {
        this.finished = finished;
        this.ledger = ledger;
        this.publisher = publisher;
        this.alerts = alerts;
        this.metrics = metrics;
        this.mapper = mapper;
        this.retry = new BoundedRetry(config);
    }

    /** Records, publishes and marks published the result of a request this instance ran; then its alerts. */
    public void complete(MigrationResult result, boolean forced) {
        String json = publisher.toJson(result);
        retry.run("record the result", () -> ledger.finish(result, json));
        finished.fire(new RequestFinished(result.requestId()));
        retry.run("publish a result", () -> publisher.publishResult(result));
        retry.run("record the publication", () -> ledger.markPublished(result.requestId(), Instant.now()));
        LOG.infof("Request %s (%s on %s): %s in %d ms", result.requestId(), result.action(), result.target(), result.status(),
                result.durationMs());
        metrics.completed(result);
        for (Alert alert : ResultAlerts.alertsFor(result, forced)) {
            retry.run("publish an alert", () -> alerts.raise(alert));
        }
    }

    /** Publishes the recorded result of a request seen before: the original if it never went out, else marked duplicate. */
    void republish(LedgerRecord known) {
        MigrationResult stored = readResult(known.resultJson());
        MigrationResult result = known.publishedAt() == null ? stored : stored.asDuplicate();
        retry.run("publish a result", () -> publisher.publishResult(result));
        retry.run("record the publication", () -> ledger.markPublished(known.requestId(), Instant.now()));
        LOG.infof("Request %s seen before: re-published its %s result%s", known.requestId(), result.status(),
                result.duplicate() ? " marked duplicate" : "");
    }

    /** Publishes a result that is not recorded in the ledger (a refusal before the request could be). */
    void publishUnrecorded(MigrationResult result) {
        retry.run("publish a result", () -> publisher.publishResult(result));
    }

    /** Sends a record that is no request to the dead-letter topic. */
    void deadLetter(String key, byte[] value, DeadLetterCode code, String message) {
        retry.run("publish a dead letter", () -> publisher.publishDeadLetter(key, value, code, message));
        metrics.deadLetter();
    }

    private MigrationResult readResult(String json) {
        try {
            return mapper.readValue(json, MigrationResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored result cannot be read back", e);
        }
    }
}
