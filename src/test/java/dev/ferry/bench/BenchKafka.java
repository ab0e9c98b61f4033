package dev.ferry.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Low-latency request/reply over Kafka for benchmarks: a consumer thread completes a future per key
 * the moment the record arrives. The same machinery times Ferry and the broker's own round trip.
 */
final class BenchKafka implements AutoCloseable {

    static final String ECHO_TOPIC = "ferry-bench-echo";

    private final ObjectMapper mapper = new ObjectMapper();
    private final KafkaProducer<String, String> producer;
    private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final Thread poller;
    /** Requests carry an operator's token, as a pipeline's would; one token serves the whole run. */
    private final String operatorToken = "Bearer " + dev.ferry.support.TestTokens.operator();
    private volatile boolean running = true;

    BenchKafka(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(ECHO_TOPIC)) {
                admin.createTopics(List.of(new NewTopic(ECHO_TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "ferry-bench-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of("migration-results", ECHO_TOPIC));
        CompletableFuture<Void> assigned = new CompletableFuture<>();
        poller = new Thread(() -> {
            try (consumer) {
                while (running) {
                    consumer.poll(Duration.ofMillis(20)).forEach(r -> {
                        JsonNode value = parse(r.value());
                        String id = r.topic().equals(ECHO_TOPIC) ? r.key() : value.path("requestId").asText();
                        CompletableFuture<JsonNode> future = waiting.remove(id);
                        if (future != null) {
                            future.complete(value);
                        }
                    });
                    if (!consumer.assignment().isEmpty()) {
                        assigned.complete(null);
                    }
                }
            }
        }, "bench-kafka");
        poller.setDaemon(true);
        poller.start();
        assigned.get(60, TimeUnit.SECONDS);
    }

    /** Publishes a request (keyed by target) and waits for its result. */
    JsonNode call(String requestId, String target, String json, Duration timeout) throws Exception {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        waiting.put(requestId, result);
        ProducerRecord<String, String> record = new ProducerRecord<>("migration-requests", target, json);
        record.headers().add("authorization", operatorToken.getBytes(StandardCharsets.UTF_8));
        producer.send(record);
        return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The broker's own produce-to-consume round trip, through the same producer and consumer. */
    void echo(Duration timeout) throws Exception {
        String key = UUID.randomUUID().toString();
        CompletableFuture<JsonNode> back = new CompletableFuture<>();
        waiting.put(key, back);
        producer.send(new ProducerRecord<>(ECHO_TOPIC, key, "{}"));
        back.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private JsonNode parse(String value) {
        try {
            return mapper.readTree(value.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            return mapper.createObjectNode();
        }
    }

    @Override
    public void close() {
        running = false;
        producer.close();
    }
}
