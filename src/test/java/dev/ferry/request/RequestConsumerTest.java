package dev.ferry.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/** The consumer's scheduling with synthetic Kafka messages: per-key order, parallel keys and partitions, acks, back-pressure. */
class RequestConsumerTest {

    private final Map<String, Boolean> acked = new ConcurrentHashMap<>();
    private RequestConsumer consumer;

    @AfterEach
    void stop() {
        consumer.stop();
    }

    @Test
    void recordsOfOneKeyRunInOrderOneAtATimeWhileOtherKeysRunAlongsideEvenOnTheSamePartition() throws Exception {
        Map<String, List<Long>> order = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        Set<String> overlapped = ConcurrentHashMap.newKeySet();
        CountDownLatch otherPartitionStarted = new CountDownLatch(1);
        CountDownLatch otherKeyOfThePartitionStarted = new CountDownLatch(1);
        consumer = new RequestConsumer(record -> {
            String target = record.key();
            long offset = Long.parseLong(new String(record.value(), StandardCharsets.UTF_8));
            if (running.computeIfAbsent(target, p -> new AtomicInteger()).incrementAndGet() > 1) {
                overlapped.add(target);
            }
            order.computeIfAbsent(target, p -> new ArrayList<>()).add(offset);
            if (target.equals("b")) {
                otherKeyOfThePartitionStarted.countDown();
            }
            if (target.equals("c")) {
                otherPartitionStarted.countDown();
            }
            if (target.equals("a") && offset == 0) {
                // a's first record waits for b (same partition, later offsets) and c (another partition) to start.
                waitFor(otherKeyOfThePartitionStarted);
                waitFor(otherPartitionStarted);
            }
            running.get(target).decrementAndGet();
        }, 4);

        long offset = 0;
        for (int round = 0; round < 20; round++) {
            consumer.consume(message(0, "a", offset++)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            consumer.consume(message(0, "b", offset++)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            consumer.consume(message(1, "c", offset++)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> acked.size() == 60);
        for (String target : List.of("a", "b", "c")) {
            assertThat(order.get(target)).as("target " + target).isSorted().hasSize(20);
        }
        assertThat(overlapped).isEmpty();
    }

    @Test
    void aRecordThatFailsStaysUnacknowledgedAndItsPartitionIsReportedStalled() throws Exception {
        consumer = new RequestConsumer(record -> {
            if (record.key().equals("2/7")) {
                throw new IllegalStateException("ledger away");
            }
        }, 2);
        consumer.consume(message(2, 7));
        consumer.consume(message(2, 8));

        await().atMost(Duration.ofSeconds(5)).until(() -> acked.containsKey("2/8"));
        assertThat(acked).doesNotContainKey("2/7");
        assertThat(consumer.stalled(Instant.now().plusSeconds(60), Duration.ofSeconds(30)))
                .singleElement().satisfies(s -> assertThat(s.partition() + "/" + s.offset()).isEqualTo("2/7"));
        assertThat(consumer.stalled(Instant.now(), Duration.ofSeconds(30))).as("not stalled yet: too recent").isEmpty();
    }

    @Test
    void pollingWaitsOnceTooManyRecordsAreQueuedAndResumesWhenOneFinishes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        consumer = new RequestConsumer(record -> waitFor(release), 2);
        List<CompletionStage<Void>> admissions = new ArrayList<>();
        for (int offset = 1; offset < RequestConsumer.MAX_QUEUED; offset++) {
            admissions.add(consumer.consume(message(offset % 4, offset)));
        }
        assertThat(admissions).allMatch(a -> a.toCompletableFuture().isDone());
        CompletableFuture<Void> next = consumer.consume(message(0, 1000)).toCompletableFuture(); // the limit's own record waits
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !next.isDone());

        release.countDown();
        next.get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() == RequestConsumer.MAX_QUEUED);
    }

    private Message<byte[]> message(int partition, long offset) {
        return message(partition, partition + "/" + offset, offset);
    }

    /** A record of {@code key} whose payload is its offset. */
    private Message<byte[]> message(int partition, String key, long offset) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("migration-requests", partition, offset, key,
                String.valueOf(offset).getBytes(StandardCharsets.UTF_8));
        return Message.of(record.value(), Metadata.of(new IncomingKafkaRecordMetadata<>(record, "migration-requests")), () -> {
            acked.put(partition + "/" + offset, true);
            return CompletableFuture.completedFuture(null);
        });
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
