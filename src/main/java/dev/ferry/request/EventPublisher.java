package dev.ferry.request;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.alert.Alert;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes Ferry's outgoing events and waits for the broker's acknowledgement, so the incoming request
 * is acknowledged only after what it produced is safely stored.
 */
@ApplicationScoped
public class EventPublisher {

    public static final String ERROR_CODE_HEADER = "ferry-error-code";
    public static final String ERROR_MESSAGE_HEADER = "ferry-error-message";

    private final MutinyEmitter<String> results;
    private final MutinyEmitter<String> alerts;
    private final MutinyEmitter<byte[]> deadLetters;
    private final ObjectMapper mapper;
    private final Duration timeout;

    public EventPublisher(@Channel("migration-results") MutinyEmitter<String> results,
            @Channel("migration-alerts") MutinyEmitter<String> alerts,
            @Channel("migration-requests-dlq") MutinyEmitter<byte[]> deadLetters,
            ObjectMapper mapper, RequestsConfig config) {
        this.results = results;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
        this.mapper = mapper;
        this.timeout = config.publishTimeout();
    }

    public void publishResult(MigrationResult result) {
        send(results, result.requestId(), toJson(result), null);
    }

    public void publishAlert(Alert alert) {
        send(alerts, alert.target(), toJson(alert), null);
    }

    /** The raw bytes as received, with the reason in headers. */
    public void publishDeadLetter(String key, byte[] value, String code, String message) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ERROR_CODE_HEADER, code.getBytes(StandardCharsets.UTF_8));
        headers.add(ERROR_MESSAGE_HEADER, message.getBytes(StandardCharsets.UTF_8));
        send(deadLetters, key, value == null ? new byte[0] : value, headers);
    }

    public String toJson(Object event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + event.getClass().getSimpleName(), e);
        }
    }

    private <T> void send(MutinyEmitter<T> emitter, String key, T payload, RecordHeaders headers) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata = OutgoingKafkaRecordMetadata
                .<String> builder().withKey(key);
        if (headers != null) {
            metadata.withHeaders(headers);
        }
        emitter.sendMessage(Message.of(payload).addMetadata(metadata.build())).await().atMost(timeout);
    }
}
