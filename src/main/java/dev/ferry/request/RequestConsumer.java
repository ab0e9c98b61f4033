package dev.ferry.request;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Consumes {@code migration-requests}. Records of one partition (so of one target, as records are keyed
 * by target) run one after another, in order; different partitions run in parallel on a bounded pool.
 *
 * <p>The method returns as soon as the record is queued, so Kafka's poll loop never waits for a
 * 20-minute migration (no rebalance); the record is acknowledged, and its offset becomes committable,
 * only after its result is acknowledged by the broker. A bound on queued records applies back-pressure.
 */
@ApplicationScoped
public class RequestConsumer {

    private static final Logger LOG = Logger.getLogger(RequestConsumer.class);
    private static final int MAX_QUEUED = 64;

    private final RequestProcessor processor;
    private final ExecutorService workers;
    private final Map<Integer, CompletableFuture<Void>> partitionTails = new HashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    private CompletableFuture<Void> roomFreed = new CompletableFuture<>();

    public RequestConsumer(RequestProcessor processor, RequestsConfig config) {
        this.processor = processor;
        this.workers = Executors.newFixedThreadPool(config.workers(), r -> {
            Thread t = new Thread(r, "ferry-worker");
            t.setDaemon(true);
            return t;
        });
    }

    @Incoming("migration-requests")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> consume(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<?, ?> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        int partition = metadata == null ? 0 : metadata.getPartition();
        String key = metadata == null || metadata.getKey() == null ? null : String.valueOf(metadata.getKey());
        queued.incrementAndGet();
        synchronized (partitionTails) {
            CompletableFuture<Void> tail = partitionTails.getOrDefault(partition, CompletableFuture.completedFuture(null));
            partitionTails.put(partition, tail.thenRunAsync(() -> handle(key, message), workers));
        }
        return admission();
    }

    private void handle(String key, Message<byte[]> message) {
        try {
            processor.process(key, message.getPayload());
            message.ack();
        } catch (RuntimeException e) {
            // Only an interrupted shutdown gets here: leave the record unacknowledged for redelivery.
            LOG.errorf(e, "Request record (key %s) not finished; it will be redelivered", key);
        } finally {
            queued.decrementAndGet();
            CompletableFuture<Void> freed;
            synchronized (partitionTails) {
                freed = roomFreed;
                roomFreed = new CompletableFuture<>();
            }
            freed.complete(null);
        }
    }

    /** Completes when there is room for one more queued record. */
    private CompletionStage<Void> admission() {
        synchronized (partitionTails) {
            if (queued.get() < MAX_QUEUED) {
                return CompletableFuture.completedFuture(null);
            }
            return roomFreed.thenCompose(ignored -> admission());
        }
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
