package dev.ferry.request;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.ferry.alert.Alert;
import dev.ferry.alert.AlertPublisher;
import dev.ferry.identity.RecordAuthenticator;
import dev.ferry.lint.LintFinding;
import dev.ferry.migration.PlannedScript;

/**
 * Publishes Ferry's outgoing events through its one Kafka producer (one channel, each record naming
 * its topic), and waits for the broker's acknowledgement, so the incoming request is acknowledged
 * only after what it produced is safely stored.
 */
@ApplicationScoped
public class EventPublisher implements AlertPublisher {

    public static final String ERROR_CODE_HEADER = "ferry-error-code";
    public static final String ERROR_MESSAGE_HEADER = "ferry-error-message";
    public static final String ORIGINAL_SIZE_HEADER = "ferry-original-size";
    /** Below Kafka's default 1 MB record limit, with room for headers and multi-byte characters. */
    private static final int MAX_EVENT_CHARS = 400_000;
    private static final int MAX_DEAD_LETTER_BYTES = 900_000;

    private final MutinyEmitter<byte[]> events;
    private final TopicsConfig topics;
    private final ObjectMapper mapper;
    private final Duration timeout;

    public EventPublisher(@Channel("ferry-events") MutinyEmitter<byte[]> events, TopicsConfig topics, ObjectMapper mapper,
            RequestsConfig config) {
        this.events = events;
        this.topics = topics;
        this.mapper = mapper;
        this.timeout = config.publishTimeout();
    }

    /** Publishes a request that waits for an approver on the approvals topic, keyed by target; {@code json} is the event. */
    public void publishApproval(String target, String json) {
        sendAndWait(topics.approvals(), target, utf8(json), null);
    }

    /** The longest event Ferry sends in one record (a plan longer than this leaves its SQL out). */
    public static int maxEventChars() {
        return MAX_EVENT_CHARS;
    }

    public void publishResult(MigrationResult result) {
        sendAndWait(topics.results(), result.requestId(), utf8(fitted(result)), null);
    }

    /**
     * A request as a pipeline would send it: keyed by target, with the sender's bearer token in a
     * header; completes once the broker acknowledged it.
     */
    public Uni<Void> publishRequest(MigrationRequest request, String authorization) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(RecordAuthenticator.HEADER, authorization.getBytes(StandardCharsets.UTF_8));
        return send(topics.requests(), request.target(), utf8(toJson(request)), headers);
    }

    /**
     * A rollout's child request, keyed by its target: it carries no token but the rollout's id (header
     * {@code ferry-rollout}); the consumer accepts it only as a child the ledger's rollout names.
     */
    public void publishRolloutChild(MigrationRequest request, String rolloutId) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ROLLOUT_HEADER, rolloutId.getBytes(StandardCharsets.UTF_8));
        sendAndWait(topics.requests(), request.target(), utf8(toJson(request)), headers);
    }

    public static final String ROLLOUT_HEADER = "ferry-rollout";

    /**
     * The result as JSON, small enough for the broker's default 1 MB record limit: a dry run of
     * hundreds of large scripts would otherwise be refused on every retry and stall its partition.
     * The full plan stays in the ledger ({@code GET /api/requests/{id}}).
     */
    private String fitted(MigrationResult result) {
        String json = toJson(result);
        if (json.length() <= MAX_EVENT_CHARS || result.plan() == null) {
            return json;
        }
        List<PlannedScript> plan = result.plan().stream().map(p -> new PlannedScript(p.version(), p.description(), p.script(),
                "-- " + (p.sql() == null ? 0 : p.sql().length()) + " characters omitted from the event; GET /api/requests/"
                        + result.requestId() + " has the full plan")).toList();
        String trimmed = toJson(withPlanAndLint(result, plan, result.lint()));
        if (trimmed.length() <= MAX_EVENT_CHARS || result.lint() == null || result.lint().size() <= MAX_EVENT_FINDINGS) {
            return trimmed;
        }
        // Still too large: the blocking findings first, then the others, up to MAX_EVENT_FINDINGS (the ledger keeps them all).
        List<LintFinding> lint = java.util.stream.Stream.concat(result.lint().stream().filter(LintFinding::blocks),
                result.lint().stream().filter(f -> !f.blocks())).limit(MAX_EVENT_FINDINGS).toList();
        return toJson(withPlanAndLint(result, plan, lint));
    }

    private static final int MAX_EVENT_FINDINGS = 100;

    private static MigrationResult withPlanAndLint(MigrationResult result, List<PlannedScript> plan, List<LintFinding> lint) {
        return new MigrationResult(result.requestId(), result.action(), result.target(), result.status(), result.duplicate(),
                result.receivedAt(), result.startedAt(), result.finishedAt(), result.durationMs(), result.versionBefore(),
                result.versionAfter(), result.migrations(), plan, lint, result.validation(), result.backfill(), result.drift(), result.error(),
                result.instance(), result.approval(), result.rollout());
    }

    @Override
    public void publishAlert(Alert alert) {
        sendAndWait(topics.alerts(), alert.target(), utf8(toJson(alert)), null);
    }

    /**
     * The raw bytes as received, with the reason in headers. A record that was nearly at the
     * broker's limit is cut to fit beside its headers (its full size in a header), so that a poison
     * message can never stall its partition.
     */
    public void publishDeadLetter(String key, byte[] value, DeadLetterCode code, String message) {
        byte[] bytes = value == null ? new byte[0] : value;
        RecordHeaders headers = new RecordHeaders();
        headers.add(ERROR_CODE_HEADER, code.name().getBytes(StandardCharsets.UTF_8));
        headers.add(ERROR_MESSAGE_HEADER, clipped(message, 1_000).getBytes(StandardCharsets.UTF_8));
        if (bytes.length > MAX_DEAD_LETTER_BYTES) {
            headers.add(ORIGINAL_SIZE_HEADER, String.valueOf(bytes.length).getBytes(StandardCharsets.UTF_8));
            bytes = java.util.Arrays.copyOf(bytes, MAX_DEAD_LETTER_BYTES);
        }
        sendAndWait(topics.deadLetters(), clipped(key, 1_000), bytes, headers);
    }

    /** At most {@code max} characters and an ellipsis: what an event echoes of untrusted input. */
    static String clipped(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "…";
    }

    public String toJson(Object event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + event.getClass().getSimpleName(), e);
        }
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private void sendAndWait(String topic, String key, byte[] payload, RecordHeaders headers) {
        send(topic, key, payload, headers).await().atMost(timeout);
    }

    private Uni<Void> send(String topic, String key, byte[] payload, RecordHeaders headers) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata = OutgoingKafkaRecordMetadata
                .<String> builder().withTopic(topic).withKey(key);
        if (headers != null) {
            metadata.withHeaders(headers);
        }
        return events.sendMessage(Message.of(payload).addMetadata(metadata.build()));
    }
}
