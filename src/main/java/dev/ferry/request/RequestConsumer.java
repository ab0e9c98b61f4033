package dev.ferry.request;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.ferry.identity.RecordAuthenticator;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Consumes {@code migration-requests}. Records of one key (one target: records are keyed by target)
 * run one after another, in order; different keys run in parallel on a bounded pool, also when they
 * share a partition, so partitions do not bound how many targets change at once (a rollout over a
 * fleet on a four-partition topic ran at most four targets at a time).
 *
 * <p>The method returns as soon as the record is queued, so Kafka's poll loop never waits for a
 * 20-minute migration (no rebalance); the record is acknowledged, and its offset becomes committable,
 * only after its result is acknowledged by the broker. A bound on queued records applies back-pressure.
 */
@ApplicationScoped
public class RequestConsumer {

    private static final Logger LOG = Logger.getLogger(RequestConsumer.class);

    /** What each record is handed to, in its partition's order: the {@link RequestProcessor}. */
    interface RecordHandler {
        void process(IncomingRecord record);
    }

    static final int MAX_QUEUED = 64;

    private final RecordHandler processor;
    private final ExecutorService workers;
    /** The last queued record of each key ({@code partition/key}): the next one of that key runs after it. */
    private final Map<String, CompletableFuture<Void>> keyTails = new HashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    private CompletableFuture<Void> roomFreed = new CompletableFuture<>();
    private final Map<Integer, Integer> running = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, Stalled> stalled = new java.util.concurrent.ConcurrentHashMap<>();

    @Inject
    public RequestConsumer(RequestProcessor processor, RequestsConfig config) {
        this(processor::process, config.workers());
    }

    RequestConsumer(RecordHandler processor, int workers) {
        this.processor = processor;
        this.workers = Executors.newFixedThreadPool(workers, r -> {
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
        // Records of different keys are acknowledged out of offset order; the throttled commit strategy
        // commits an offset only once every record before it is acknowledged.
        String chain = partition + "/" + (key == null ? "" : key);
        long offset = metadata == null ? -1 : metadata.getOffset();
        synchronized (keyTails) {
            CompletableFuture<Void> tail = keyTails.getOrDefault(chain, CompletableFuture.completedFuture(null));
            CompletableFuture<Void> next = tail.thenRunAsync(() -> handle(partition, offset, record(key, message, metadata), message), workers);
            keyTails.put(chain, next);
            next.whenComplete((done, failure) -> {
                synchronized (keyTails) {
                    keyTails.remove(chain, next);
                }
            });
        }
        return admission();
    }

    private static IncomingRecord record(String key, Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> metadata) {
        Header authorization = metadata == null || metadata.getHeaders() == null ? null
                : metadata.getHeaders().lastHeader(RecordAuthenticator.HEADER);
        Header rollout = metadata == null || metadata.getHeaders() == null ? null : metadata.getHeaders().lastHeader(EventPublisher.ROLLOUT_HEADER);
        return new IncomingRecord(key, message.getPayload(),
                authorization == null || authorization.value() == null ? null : new String(authorization.value(), StandardCharsets.UTF_8),
                metadata == null ? null : metadata.getTimestamp(),
                rollout == null || rollout.value() == null ? null : new String(rollout.value(), StandardCharsets.UTF_8));
    }

    private void handle(int partition, long offset, IncomingRecord record, Message<byte[]> message) {
        running.merge(partition, 1, Integer::sum);
        try {
            processor.process(record);
            message.ack();
        } catch (RuntimeException e) {
            // A shutdown, or the ledger or broker away for longer than the retry bound: the record stays
            // unacknowledged (offsets after it cannot be committed) and is delivered again after a restart
            // or a rebalance; readiness reports the partition meanwhile.
            LOG.errorf(e, "Request record (partition %d, offset %d, key %s) not finished; it will be delivered again", partition,
                    offset, record.key());
            stalled.putIfAbsent(partition, new Stalled(partition, offset, Instant.now()));
        } finally {
            running.merge(partition, -1, Integer::sum);
            queued.decrementAndGet();
            CompletableFuture<Void> freed;
            synchronized (keyTails) {
                freed = roomFreed;
                roomFreed = new CompletableFuture<>();
            }
            freed.complete(null);
        }
    }

    /** A record left unacknowledged by a failure, since when. */
    public record Stalled(int partition, long offset, Instant since) {
    }

    /** Partitions whose unacknowledged record is older than {@code after} while nothing runs on them. */
    public List<Stalled> stalled(Instant now, Duration after) {
        return stalled.values().stream()
                .filter(s -> s.since().isBefore(now.minus(after)) && running.getOrDefault(s.partition(), 0) <= 0)
                .toList();
    }

    /** Completes when there is room for one more queued record. */
    private CompletionStage<Void> admission() {
        synchronized (keyTails) {
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
