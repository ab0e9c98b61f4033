package dev.ferry.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.KratosStub;
import dev.ferry.support.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * 100,000 users against a Kratos stub answering in 5 ms (WireMock's Jetty, Nagle off): Ferry's
 * users/second and peak heap, beside a one-at-a-time loop and the pure-HTTP ceiling (same stub, same
 * concurrency, no database work), all measured in this run.
 */
@QuarkusTest
class BackfillBenchmark {

    private static final String SCHEMA = "ferry_test_benchusers";
    private static final int EXTRA_USERS = 100_000;
    private static final int CONCURRENCY = 32;
    private static final Duration LATENCY = Duration.ofMillis(5);

    @Test
    void backfill100kUsers() throws Exception {
        WireMockServer kratos = KratosStub.instance().server();
        kratos.stubFor(get(urlPathEqualTo("/admin/identities")).atPriority(1).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withFixedDelay((int) LATENCY.toMillis())
                .withBody("[{\"id\":\"{{randomValue type='UUID'}}\",\"state\":\"active\"}]").withTransformers("response-template")));
        KafkaTestClient kafka = KafkaTestClient.get();
        String migrate = "bench-users-migrate-" + UUID.randomUUID();
        kafka.request(migrate, "migrate", "benchusers", Map.of());
        kafka.awaitResult(migrate, Duration.ofMinutes(2));
        seedUsers();

        httpCeiling(kratos.port(), 3_000); // warm-up of the stub and the client
        double ceiling = httpCeiling(kratos.port(), 20_000);
        double sequential = sequentialLoop(kratos.port(), 500);

        System.gc();
        LiveHeap heap = LiveHeap.sample();
        String runId = "bench-backfill-" + UUID.randomUUID();
        kafka.request(runId, "backfill", "benchusers", Map.of("options", Map.of("job", "user-authid", "concurrency", CONCURRENCY,
                "batchSize", 500)));
        JsonNode result = kafka.awaitResult(runId, Duration.ofMinutes(10));
        heap.close();
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("backfill").path("total").asLong()).isGreaterThanOrEqualTo(EXTRA_USERS);
        double ferry = result.path("backfill").path("usersPerSecond").asDouble();

        BenchReport report = new BenchReport();
        report.atLeast("backfill-100k-users-per-second", "users/s", ferry, "sequential-loop", sequential, 25, 1);
        report.atLeast("backfill-100k-vs-http-ceiling", "users/s", ferry, "http-only-same-concurrency", ceiling, 0.85, 1);
        report.atMost("backfill-100k-peak-live-heap", "MB", heap.peak() / 1e6, "live-heap-before-run", heap.before() / 1e6, 256, 1);
        report.appendTo(Path.of("target/bench"));
    }


    /** 100,000 users more, without authId, in a few set-based inserts. */
    private static void seedUsers() throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE digits (d INT PRIMARY KEY)");
            s.execute("INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
            s.execute("INSERT IGNORE INTO `user` (id, nameID, email, firstName, lastName, accountUpn)"
                    + " SELECT CONCAT('00000000-0000-4000-b000-', LPAD(n, 12, '0')), CONCAT('bench-', n), CONCAT('bench', n, '@example.org'),"
                    + " 'Bench', 'User', CONCAT('bench', n, '@example.org') FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n"
                    + " FROM digits a, digits b, digits c, digits e, digits f) numbers");
        }
    }

    /** The same stub and concurrency, lookups only: what the network side allows at best. */
    private static double httpCeiling(int port, int lookups) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore permits = new Semaphore(CONCURRENCY);
        List<CompletableFuture<?>> all = new ArrayList<>(lookups);
        long start = System.nanoTime();
        for (int i = 0; i < lookups; i++) {
            permits.acquire();
            all.add(client.sendAsync(request(port, "ceiling" + i + "@example.org"), HttpResponse.BodyHandlers.ofByteArray())
                    .whenComplete((r, e) -> permits.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return lookups / ((System.nanoTime() - start) / 1e9);
    }

    /** The naive job: one user at a time, lookup then link then audit. */
    private static double sequentialLoop(int port, int users) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS seq_link (user_id CHAR(36) PRIMARY KEY, identity_id CHAR(36))");
            s.execute("CREATE TABLE IF NOT EXISTS seq_audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id CHAR(36), status VARCHAR(16),"
                    + " attempted_at DATETIME(3))");
            List<String> emails = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT id, email FROM `user` ORDER BY id LIMIT " + users)) {
                while (rs.next()) {
                    emails.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            long start = System.nanoTime();
            try (PreparedStatement link = c.prepareStatement("REPLACE INTO seq_link VALUES (?, ?)");
                    PreparedStatement audit = c.prepareStatement("INSERT INTO seq_audit (user_id, status, attempted_at) VALUES (?, 'success', ?)")) {
                for (String row : emails) {
                    String[] parts = row.split(" ");
                    HttpResponse<String> response = client.send(request(port, parts[1]), HttpResponse.BodyHandlers.ofString());
                    link.setString(1, parts[0]);
                    link.setString(2, response.body().substring(8, 44));
                    link.executeUpdate();
                    audit.setString(1, parts[0]);
                    audit.setObject(2, LocalDateTime.now(ZoneOffset.UTC));
                    audit.executeUpdate();
                }
            }
            return users / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static HttpRequest request(int port, String email) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/identities?credentials_identifier="
                + URLEncoder.encode(email, StandardCharsets.UTF_8))).GET().build();
    }
}
