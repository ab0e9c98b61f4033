package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.EmbeddedServersResource;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.GcLog;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.LookupStub;
import dev.ferry.support.TestInfrastructure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

/**
 * 100,000 users against a Kratos stand-in answering in 5 ms with Nagle off: the packaged Ferry's
 * users/second, in its own process, beside a one-at-a-time loop and the pure-HTTP ceiling (same
 * stub, same concurrency, no database work), all measured in this run after a warm-up of each
 * (the ceiling's client, Ferry's lookup path in a dry run). Ferry's heap is read from its
 * own GC log: the largest heap left after any collection during the run, i.e. what the run retains.
 */
class BackfillBenchmarkIT {

    private static final String SCHEMA = "ferry_test_benchusers";
    private static final int EXTRA_USERS = 100_000;
    private static final int CONCURRENCY = 64;
    private static final Duration LATENCY = Duration.ofMillis(5);

    @Test
    void backfill100kUsers() throws Exception {
        Map<String, String> config = new EmbeddedServersResource().start();
        KafkaTestClient kafka = KafkaTestClient.withTopicPrefix("bench-backfill-");
        GcLog gcLog = new GcLog(Path.of("target/bench/backfill-gc.log"));
        try (LookupStub stub = LookupStub.start(LATENCY)) {
            config.putAll(kafka.topicConfig());
            config.put("mp.messaging.incoming.migration-requests.group.id", "ferry-bench-backfill");
            config.put("ferry.kratos.admin-url", stub.baseUrl());
            config.put("ferry.kratos.concurrency", String.valueOf(CONCURRENCY));
            FerryProcess ferry = FerryProcess.start(config, "ferry-bench-backfill", List.of(gcLog.jvmOption()));
            try {
                String migrate = "bench-users-migrate-" + UUID.randomUUID();
                kafka.request(migrate, "migrate", "benchusers", Map.of());
                assertThat(kafka.awaitResult(migrate, Duration.ofMinutes(2)).path("status").asText()).isEqualTo("SUCCEEDED");
                seedUsers();

                Vertx clientVertx = Vertx.vertx();
                HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true),
                        new PoolOptions().setHttp1MaxSize(CONCURRENCY));
                httpCeiling(client, stub.port(), 3_000); // warm-up of the stub and the client
                double ceiling = httpCeiling(client, stub.port(), 30_000);
                double sequential = sequentialLoop(client, stub.port(), 500);
                clientVertx.close().toCompletionStage().toCompletableFuture().get();

                // Warm-up, as the ceiling had: a dry run looks every user up and writes nothing.
                String warmUp = "bench-backfill-warm-up-" + UUID.randomUUID();
                kafka.request(warmUp, "backfill", "benchusers", Map.of("options", Map.of("job", "user-authid", "concurrency", CONCURRENCY,
                        "dryRun", true)));
                assertThat(kafka.awaitResult(warmUp, Duration.ofMinutes(10)).path("status").asText()).isEqualTo("SUCCEEDED");

                collectGarbage(ferry.pid());
                List<Long> atRest = gcLog.heapAfterEachCollection();
                assertThat(atRest).as("collections in the GC log").isNotEmpty();
                long heapBefore = atRest.get(atRest.size() - 1);
                String runId = "bench-backfill-" + UUID.randomUUID();
                kafka.request(runId, "backfill", "benchusers", Map.of("options", Map.of("job", "user-authid",
                        "concurrency", CONCURRENCY, "batchSize", 500)));
                JsonNode result = kafka.awaitResult(runId, Duration.ofMinutes(10));
                assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(result.path("backfill").path("linked").asLong()).isGreaterThanOrEqualTo(EXTRA_USERS);
                double ferryRate = result.path("backfill").path("usersPerSecond").asDouble();
                long heapPeak = gcLog.peakSince(atRest.size() - 1);

                BenchReport report = new BenchReport();
                report.atLeast("backfill-100k-users-per-second", "users/s", ferryRate, "sequential-loop", sequential, 25, 1);
                report.atLeast("backfill-100k-vs-http-ceiling", "users/s", ferryRate, "http-only-same-concurrency", ceiling, 0.85, 1);
                report.atMost("backfill-100k-peak-heap-after-gc", "MB", heapPeak / 1e6, "heap-after-gc-before-run", heapBefore / 1e6,
                        256, 1);
                report.appendTo(Path.of("target/bench"));
            } finally {
                ferry.stop();
            }
        }
    }

    /** 100,000 users more, without authId, in one set-based insert. */
    private static void seedUsers() throws SQLException {
        TestInfrastructure.execute(SCHEMA, "INSERT IGNORE INTO `user` (id, nameID, email, firstName, lastName, accountUpn)"
                + " SELECT CONCAT('00000000-0000-4000-b000-', LPAD(seq, 12, '0')), CONCAT('bench-', seq), CONCAT('bench', seq, '@example.org'),"
                + " 'Bench', 'User', CONCAT('bench', seq, '@example.org') FROM seq_0_to_99999");
    }

    /** The same stub and concurrency, lookups only, over the same HTTP client as Ferry's: what the network side allows at best. */
    private static double httpCeiling(HttpClient client, int port, int lookups) throws Exception {
        Semaphore permits = new Semaphore(CONCURRENCY);
        CountDownLatch done = new CountDownLatch(lookups);
        long start = System.nanoTime();
        for (int i = 0; i < lookups; i++) {
            permits.acquire();
            lookup(client, port, "ceiling" + i + "@example.org").onComplete(answered -> {
                permits.release();
                done.countDown();
            });
        }
        done.await();
        return lookups / ((System.nanoTime() - start) / 1e9);
    }

    /** The naive job: one user at a time, lookup then link then audit. */
    private static double sequentialLoop(HttpClient client, int port, int userCount) throws Exception {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS seq_link (user_id CHAR(36) PRIMARY KEY, identity_id CHAR(36))");
            s.execute("CREATE TABLE IF NOT EXISTS seq_audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id CHAR(36), status VARCHAR(16),"
                    + " attempted_at DATETIME(3))");
            List<String[]> users = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT id, email FROM `user` ORDER BY id LIMIT " + userCount)) {
                while (rs.next()) {
                    users.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            long start = System.nanoTime();
            try (PreparedStatement link = c.prepareStatement("REPLACE INTO seq_link VALUES (?, ?)");
                    PreparedStatement audit = c.prepareStatement("INSERT INTO seq_audit (user_id, status, attempted_at) VALUES (?, 'success', ?)")) {
                for (String[] user : users) {
                    String body = lookup(client, port, user[1]).toCompletionStage().toCompletableFuture().get();
                    link.setString(1, user[0]);
                    link.setString(2, body.substring(8, 44));
                    link.executeUpdate();
                    audit.setString(1, user[0]);
                    audit.setObject(2, LocalDateTime.now(ZoneOffset.UTC));
                    audit.executeUpdate();
                }
            }
            return users.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** A full collection in Ferry's process, so the heap it logs next is what Ferry holds at rest. */
    private static void collectGarbage(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid),
                "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(jcmd.waitFor()).isZero();
        Thread.sleep(500);
    }

    private static Future<String> lookup(HttpClient client, int port, String email) {
        return client.request(HttpMethod.GET, port, "127.0.0.1", "/admin/identities?credentials_identifier="
                + URLEncoder.encode(email, StandardCharsets.UTF_8))
                .compose(request -> request.send().compose(response -> response.body().map(Buffer::toString)));
    }
}
