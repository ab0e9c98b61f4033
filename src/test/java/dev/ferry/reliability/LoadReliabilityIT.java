package dev.ferry.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.GcLog;
import dev.ferry.support.TestTokens;

/**
 * A sustained mix for {@code ferry.reliability.load-seconds} (default 300): four request loops
 * (info and dry-run migrate, each waiting for its result) and four REST loops (lists, single
 * requests, the audit list), all bounded, on loopback. Throughput, p99, errors, and memory before
 * and after: the heap left after collections in the last minute against the first.
 */
class LoadReliabilityIT {

    private static final long SECONDS = Long.getLong("ferry.reliability.load-seconds", 300);
    private static final int REQUEST_LOOPS = 4;
    private static final int REST_LOOPS = 4;

    @Test
    void sustainedMixedLoadWithoutErrorsOrLeaks() throws Exception {
        Rig rig = Rig.create("load", "http://127.0.0.1:9");
        List<String> targets = rig.exampleTargets(REQUEST_LOOPS);
        GcLog gc = new GcLog(Path.of("target/reliability/load-gc.log"));
        FerryProcess ferry = FerryProcess.start(rig.config, "ferry-rel-load", List.of(gc.jvmOption()));
        ReliabilityReport report = new ReliabilityReport("load (" + SECONDS + " s mixed)");
        try {
            for (String target : targets) {
                String migrate = "load-migrate-" + UUID.randomUUID();
                rig.kafka.request(migrate, "migrate", target, Map.of());
                assertThat(rig.kafka.awaitResult(migrate, Duration.ofMinutes(2)).path("status").asText()).isEqualTo("SUCCEEDED");
            }
            String token = TestTokens.viewer();
            String base = "http://127.0.0.1:" + ferry.port();
            HttpClient http = HttpClient.newHttpClient();
            List<Long> requestLatencies = Collections.synchronizedList(new ArrayList<>());
            List<Long> restLatencies = Collections.synchronizedList(new ArrayList<>());
            AtomicLong errors = new AtomicLong();
            List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
            List<String> knownIds = Collections.synchronizedList(new ArrayList<>(List.of("none")));
            long rssBefore = ferry.rss();
            int collectionsBefore = gc.heapAfterEachCollection().size();
            long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
            long firstMinuteEnds = System.nanoTime() + Math.min(60, SECONDS / 3) * 1_000_000_000L;
            long lastMinuteStarts = deadline - Math.min(60, SECONDS / 3) * 1_000_000_000L;
            AtomicLong collectionsAfterFirstMinute = new AtomicLong(-1);
            AtomicLong collectionsAtLastMinute = new AtomicLong(-1);

            ExecutorService loops = Executors.newFixedThreadPool(REQUEST_LOOPS + REST_LOOPS + 1);
            List<Future<?>> running = new ArrayList<>();
            for (int loop = 0; loop < REQUEST_LOOPS; loop++) {
                String target = targets.get(loop);
                running.add(loops.submit(() -> {
                    for (int n = 0; System.nanoTime() < deadline; n++) {
                        String id = "load-" + UUID.randomUUID();
                        long began = System.nanoTime();
                        rig.kafka.request(id, n % 2 == 0 ? "info" : "migrate", target, n % 2 == 0 ? Map.of() : Map.of("dryRun", true));
                        JsonNode result = rig.kafka.awaitResult(id, Duration.ofMinutes(1));
                        requestLatencies.add(System.nanoTime() - began);
                        knownIds.add(id);
                        if (!result.path("status").asText().equals("SUCCEEDED")) {
                            errors.incrementAndGet();
                            errorSamples.add(result.toString());
                        }
                    }
                    return null;
                }));
            }
            for (int loop = 0; loop < REST_LOOPS; loop++) {
                int kind = loop;
                running.add(loops.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        String path = switch (kind) {
                            case 0 -> "/api/requests?limit=50";
                            case 1 -> "/api/requests/" + knownIds.get(knownIds.size() - 1);
                            case 2 -> "/api/audit/user-authid?limit=50";
                            default -> "/api/requests?limit=20&target=" + targets.get(0);
                        };
                        long began = System.nanoTime();
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                        restLatencies.add(System.nanoTime() - began);
                        if (response.statusCode() != 200 && !(kind == 1 && response.statusCode() == 404)) {
                            errors.incrementAndGet();
                            errorSamples.add(path + " -> " + response.statusCode());
                        }
                    }
                    return null;
                }));
            }
            running.add(loops.submit(() -> {
                while (System.nanoTime() < deadline) {
                    long now = System.nanoTime();
                    if (now > firstMinuteEnds && collectionsAfterFirstMinute.get() < 0) {
                        collectionsAfterFirstMinute.set(gc.heapAfterEachCollection().size());
                    }
                    if (now > lastMinuteStarts && collectionsAtLastMinute.get() < 0) {
                        collectionsAtLastMinute.set(gc.heapAfterEachCollection().size());
                    }
                    Thread.sleep(1_000);
                }
                return null;
            }));
            for (Future<?> loop : running) {
                loop.get();
            }
            loops.shutdown();
            long rssAfter = ferry.rss();
            List<Long> heap = gc.heapAfterEachCollection();
            long firstMinutePeak = peak(heap, collectionsBefore, (int) Math.max(collectionsAfterFirstMinute.get(), collectionsBefore + 1));
            long lastMinutePeak = peak(heap, (int) Math.max(collectionsAtLastMinute.get(), 0), heap.size());
            boolean noLeak = lastMinutePeak <= firstMinutePeak * 3 / 2 + 32_000_000L;

            report.info("requests (info, dry-run migrate) / per second", requestLatencies.size() + " / "
                    + Math.round(requestLatencies.size() / (double) SECONDS))
                    .info("request round trip p50 / p99", millis(requestLatencies, 0.50) + " / " + millis(requestLatencies, 0.99) + " ms")
                    .info("REST calls / per second", restLatencies.size() + " / " + Math.round(restLatencies.size() / (double) SECONDS))
                    .info("REST p50 / p99", millis(restLatencies, 0.50) + " / " + millis(restLatencies, 0.99) + " ms")
                    .row("errors", errors.get() + (errorSamples.isEmpty() ? "" : " e.g. " + errorSamples.get(0)), "0", errors.get() == 0)
                    .info("RSS before / after", rssBefore / 1_000_000 + " MB / " + rssAfter / 1_000_000 + " MB")
                    .row("heap after GC, first minute / last minute peak", firstMinutePeak / 1_000_000 + " MB / " + lastMinutePeak / 1_000_000
                            + " MB", "last <= 1.5x first + 32 MB", noLeak)
                    .write();
            assertThat(errors.get()).as(errorSamples.toString()).isZero();
            assertThat(noLeak).isTrue();
        } finally {
            ferry.stop();
        }
    }

    private static long peak(List<Long> heap, int from, int to) {
        return heap.subList(Math.min(from, heap.size()), Math.min(Math.max(to, from), heap.size())).stream().mapToLong(Long::longValue)
                .max().orElse(0);
    }

    private static long millis(List<Long> nanos, double quantile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size()))) / 1_000_000;
    }
}
