package dev.ferry.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A pipeline's view of Ferry: publishes raw request records and records everything Ferry publishes
 * (results, alerts, dead letters) from the start of each topic. One per test JVM.
 */
public final class KafkaTestClient implements AutoCloseable {

    private static KafkaTestClient shared;

    private final ObjectMapper mapper = new ObjectMapper();
    private final KafkaProducer<String, byte[]> producer;
    private final List<ConsumerRecord<String, byte[]>> received = new CopyOnWriteArrayList<>();
    /** Results parsed once on arrival, by requestId: load runs look them up thousands of times. */
    private final Map<String, List<JsonNode>> resultsById = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<JsonNode> allResults = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    private final String prefix;

    private KafkaTestClient(String bootstrap, String prefix) {
        this.prefix = prefix;
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "ferry-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(prefix + "migration-results", prefix + "migration-alerts", prefix + "migration-requests-dlq",
                prefix + "migration-approvals"));
        poller = new Thread(() -> {
            try (consumer) {
                while (running) {
                    consumer.poll(Duration.ofMillis(100)).forEach(this::receive);
                }
            }
        }, "kafka-test-client");
        poller.setDaemon(true);
        poller.start();
    }

    private void receive(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(prefix + "migration-results")) {
            JsonNode result = parse(record.value());
            allResults.add(result);
            resultsById.computeIfAbsent(result.path("requestId").asText(""), id -> new CopyOnWriteArrayList<>()).add(result);
        } else {
            received.add(record);
        }
    }

    public static synchronized KafkaTestClient get() {
        if (shared == null) {
            shared = new KafkaTestClient(TestInfrastructure.bootstrapServers(), "");
        }
        return shared;
    }

    /**
     * A client of topics named {@code <prefix>migration-requests} and so on, for Ferry processes that
     * a test configures with those topics so that no other Ferry of the test JVM answers them.
     */
    public static KafkaTestClient withTopicPrefix(String prefix) {
        return on(TestInfrastructure.bootstrapServers(), prefix);
    }

    /** As {@link #withTopicPrefix(String)}, on another broker than the shared one (fault tests run their own). */
    public static KafkaTestClient on(String bootstrap, String prefix) {
        dev.ferry.embedded.Topics.create(bootstrap, prefix);
        return new KafkaTestClient(bootstrap, prefix);
    }

    /** The configuration that points a Ferry process at this client's topics. */
    public Map<String, String> topicConfig() {
        Map<String, String> config = new java.util.HashMap<>();
        config.put("ferry.topics.requests", prefix + "migration-requests");
        config.put("ferry.topics.results", prefix + "migration-results");
        config.put("ferry.topics.alerts", prefix + "migration-alerts");
        config.put("ferry.topics.dead-letters", prefix + "migration-requests-dlq");
        config.put("ferry.topics.approvals", prefix + "migration-approvals");
        return config;
    }

    public void send(String key, String json) {
        send(key, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Publishes a record as an operator would: with an operator's bearer token in its authorization header. */
    public void send(String key, byte[] value) {
        sendWithAuthorization(key, value, "Bearer " + TestTokens.operator());
    }

    /** Publishes a record with this authorization header, or none when {@code authorization} is null. */
    public void sendWithAuthorization(String key, byte[] value, String authorization) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(prefix + "migration-requests", key, value);
        if (authorization != null) {
            record.headers().add("authorization", authorization.getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not publish a test request", e);
        }
    }

    /** Publishes a request built from its fields, with this bearer token. */
    public void requestAs(String token, String requestId, String action, String target, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("requestId", requestId);
        body.put("action", action);
        body.put("target", target);
        body.putAll(extra);
        try {
            sendWithAuthorization(target, mapper.writeValueAsBytes(body), "Bearer " + token);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes a request built from its fields, as an operator; null fields are left out. */
    public void request(String requestId, String action, String target, Map<String, Object> extra) {
        requestAs(TestTokens.operator(), requestId, action, target, extra);
    }

    public List<JsonNode> results(String requestId) {
        return List.copyOf(resultsById.getOrDefault(requestId, List.of()));
    }

    /** Every result published so far on this client's results topic. */
    public List<JsonNode> allResults() {
        return List.copyOf(allResults);
    }

    /** Dead letters published so far whose key starts with {@code keyPrefix}. */
    public long deadLetterCount(String keyPrefix) {
        return received.stream().filter(r -> r.topic().equals(prefix + "migration-requests-dlq") && r.key() != null
                && r.key().startsWith(keyPrefix)).count();
    }

    public List<JsonNode> alerts(String requestId) {
        return onTopic(prefix + "migration-alerts").stream().filter(n -> requestId.equals(n.path("requestId").asText(null))).toList();
    }

    /** The events that said a request waits for approval (one per time it was parked). */
    public List<JsonNode> approvals(String requestId) {
        return onTopic(prefix + "migration-approvals").stream().filter(n -> requestId.equals(n.path("requestId").asText(null))).toList();
    }

    /** Waits until a request has been parked {@code count} times. */
    public List<JsonNode> awaitApprovals(String requestId, int count, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> approvals(requestId).size() >= count);
        return approvals(requestId);
    }

    /** Alerts not tied to a request (scheduled checks), by target and kind. */
    public List<JsonNode> alertsOf(String target, String kind) {
        return onTopic(prefix + "migration-alerts").stream().filter(n -> target.equals(n.path("target").asText(null))
                && kind.equals(n.path("kind").asText(null))).toList();
    }

    public List<ConsumerRecord<String, byte[]>> deadLetters(String key) {
        return received.stream().filter(r -> r.topic().equals(prefix + "migration-requests-dlq") && key.equals(r.key())).toList();
    }

    /** Waits for a key's dead letters: the record may be on another partition than what the test waited for so far. */
    public List<ConsumerRecord<String, byte[]>> awaitDeadLetters(String key, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> !deadLetters(key).isEmpty());
        return deadLetters(key);
    }

    /** Waits for the first result of a request. */
    public JsonNode awaitResult(String requestId, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> !results(requestId).isEmpty());
        return results(requestId).get(0);
    }

    /** Waits until a request has raised {@code count} alerts. */
    public List<JsonNode> awaitAlerts(String requestId, int count, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> alerts(requestId).size() >= count);
        return alerts(requestId);
    }

    /** Waits until a request has {@code count} results. */
    public List<JsonNode> awaitResults(String requestId, int count, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> results(requestId).size() >= count);
        return results(requestId);
    }

    private List<JsonNode> onTopic(String topic) {
        return received.stream().filter(r -> r.topic().equals(topic)).map(r -> parse(r.value())).toList();
    }

    private JsonNode parse(byte[] json) {
        try {
            return mapper.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        producer.close();
    }
}
