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

/** The consumer's scheduling with synthetic Kafka messages: per-partition order, parallel partitions, acks, back-pressure. */
class RequestConsumerTest {

    private final Map<String, Boolean> acked = new ConcurrentHashMap<>();
    private RequestConsumer consumer;

    @AfterEach
    void stop() {
        consumer.stop();
    }

    @Test
    void recordsOfOnePartitionRunInOrderOneAtATimeWhileOtherPartitionsRunAlongside() throws Exception {
        Map<Integer, List<Long>> order = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> running = new ConcurrentHashMap<>();
        Set<Integer> overlapped = ConcurrentHashMap.newKeySet();
        CountDownLatch otherPartitionStarted = new CountDownLatch(1);
        consumer = new RequestConsumer(record -> {
            String[] key = record.key().split("/");
            int partition = Integer.parseInt(key[0]);
            long offset = Long.parseLong(key[1]);
            if (running.computeIfAbsent(partition, p -> new AtomicInteger()).incrementAndGet() > 1) {
                overlapped.add(partition);
            }
            order.computeIfAbsent(partition, p -> new ArrayList<>()).add(offset);
            if (partition == 1) {
                otherPartitionStarted.countDown();
            }
            if (partition == 0 && offset == 0) {
                waitFor(otherPartitionStarted); // partition 0's first record waits for partition 1 to start: they run side by side
            }
            running.get(partition).decrementAndGet();
        }, 4);

        for (long offset = 0; offset < 20; offset++) {
            for (int partition = 0; partition < 3; partition++) {
                consumer.consume(message(partition, offset)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() == 60);
        for (int partition = 0; partition < 3; partition++) {
            assertThat(order.get(partition)).as("partition " + partition).isSorted().hasSize(20);
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
        String key = partition + "/" + offset;
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("migration-requests", partition, offset, key,
                "{}".getBytes(StandardCharsets.UTF_8));
        return Message.of(record.value(), Metadata.of(new IncomingKafkaRecordMetadata<>(record, "migration-requests")), () -> {
            acked.put(key, true);
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
