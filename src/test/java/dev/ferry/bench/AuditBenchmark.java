package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/**
 * 1,000,000 audit rows: first page vs a page past row 900,000 (keyset) and the same deep page by
 * OFFSET; CSV export over HTTP vs streaming the same rows over JDBC to a file; list requests per
 * second under concurrent load vs the same query over JDBC. All in this run.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class AuditBenchmark {

    private static final String SCHEMA = "ferry_test_kratos";
    private static final int ROWS = 1_000_000;
    private static final int SAMPLES = 200;
    private static final int OFFSET_SAMPLES = 10;
    private static final String PAGE_SQL = "SELECT id, run_id, user_id, email, identity_id, resolution_status, failure_reason, kratos_error,"
            + " attempts, attempted_at, resolved_at, resolved_by, resolution_note, version FROM user_authid_backfill_audit"
            + " ORDER BY attempted_at DESC, id DESC LIMIT 50";

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL root;

    @Test
    void auditAtAMillionRows() throws Exception {
        String migrate = "bench-audit-migrate-" + UUID.randomUUID();
        KafkaTestClient.get().request(migrate, "migrate", "kratos", Map.of());
        KafkaTestClient.get().awaitResult(migrate, Duration.ofMinutes(2));
        seed();
        String token = TestTokens.operator();
        String base = root.toString().replaceAll("/$", "");
        HttpClient http = HttpClient.newHttpClient();
        String deepCursor = cursorAtRow(900_000);

        for (int i = 0; i < 50; i++) { // warm-up
            get(http, base + "/api/audit/user-authid?limit=50", token);
        }
        double[] first = new double[SAMPLES];
        double[] deep = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            first[i] = time(() -> get(http, base + "/api/audit/user-authid?limit=50", token));
            deep[i] = time(() -> get(http, base + "/api/audit/user-authid?limit=50&after=" + deepCursor, token));
        }
        double[] offset = new double[OFFSET_SAMPLES]; // about a second each: the point of keyset pagination
        for (int i = 0; i < OFFSET_SAMPLES; i++) {
            offset[i] = time(() -> jdbc(PAGE_SQL + " OFFSET 900000"));
        }

        LiveHeap heap = LiveHeap.sample();
        long exportStart = System.nanoTime();
        long exported;
        try (heap; InputStream body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/audit/user-authid/export.csv"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream()).body()) {
            exported = countLines(body) - 1;
        }
        double exportRate = exported / ((System.nanoTime() - exportStart) / 1e9);
        double jdbcRate = jdbcExport();

        double ferryRps = load(() -> get(http, base + "/api/audit/user-authid?limit=50", token));
        double jdbcRps = load(() -> jdbc(PAGE_SQL));

        assertThat(exported).isGreaterThanOrEqualTo(ROWS);
        BenchReport report = new BenchReport();
        report.atMost("audit-deep-page-p50-vs-first", "ms", BenchReport.percentile(deep, 50), "first-page-p50",
                BenchReport.percentile(first, 50), BenchReport.percentile(first, 50) * 1.5, SAMPLES);
        report.atMost("audit-deep-page-p99", "ms", BenchReport.percentile(deep, 99), "first-page-p99", BenchReport.percentile(first, 99),
                20, SAMPLES);
        report.ratio("audit-deep-page-keyset-vs-offset", "ms", deep, "jdbc-offset-900000", offset, 1.0);
        report.atLeast("audit-export-csv-rows-per-second", "rows/s", exportRate, "jdbc-stream-to-file", jdbcRate, 1.0 / 3, 1);
        report.atMost("audit-export-peak-live-heap", "MB", heap.peak() / 1e6, "live-heap-before", heap.before() / 1e6, heap.before() / 1e6 + 64, 1);
        report.atLeast("audit-list-requests-per-second", "req/s", ferryRps, "jdbc-same-query", jdbcRps, 0.0, 1);
        report.appendTo(Path.of("target/bench"));
    }

    private static void seed() throws Exception {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            s.execute("INSERT INTO user_authid_backfill_audit (run_id, user_id, email, resolution_status, failure_reason, kratos_error,"
                    + " attempts, attempted_at) SELECT CONCAT('bench-run-', n DIV 100000), LPAD(n, 36, '0'), CONCAT('user', n, '@example.org'),"
                    + " IF(n % 5 = 0, 'failed', 'success'), IF(n % 5 = 0, 'missing', NULL), IF(n % 5 = 0, 'no identity', NULL), 1,"
                    + " UTC_TIMESTAMP(3) - INTERVAL n SECOND FROM (SELECT seq AS n FROM seq_0_to_999999) numbers");
        }
    }

    /** The API's cursor for the row at this position, newest first (the same encoding AuditFilter uses). */
    private static String cursorAtRow(int position) throws Exception {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT attempted_at, id FROM user_authid_backfill_audit ORDER BY attempted_at DESC, id DESC LIMIT 1 OFFSET " + position)) {
            rs.next();
            String raw = rs.getObject(1, LocalDateTime.class) + "|" + rs.getLong(2);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static double jdbcExport() throws Exception {
        Path file = Files.createTempFile("ferry-bench-audit", ".csv");
        long start = System.nanoTime();
        long rows = 0;
        try (Connection c = TestInfrastructure.connect(SCHEMA);
                PreparedStatement ps = c.prepareStatement(PAGE_SQL.replace(" LIMIT 50", ""), ResultSet.TYPE_FORWARD_ONLY,
                        ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(1_000);
            try (ResultSet rs = ps.executeQuery(); BufferedWriter out = Files.newBufferedWriter(file);
                    CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        csv.print(rs.getString(i));
                    }
                    csv.println();
                    rows++;
                }
            }
        }
        double rate = rows / ((System.nanoTime() - start) / 1e9);
        Files.delete(file);
        return rate;
    }

    private static double load(Action request) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(clients.submit(() -> {
                while (System.nanoTime() < end) {
                    request.run();
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        clients.shutdown();
        return done.get() / 10.0;
    }

    private static void get(HttpClient http, String url, String token) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    private static void jdbc(String sql) throws Exception {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rs.getString(1);
            }
        }
    }

    private static long countLines(InputStream in) throws Exception {
        byte[] buffer = new byte[1 << 16];
        long lines = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    lines++;
                }
            }
        }
        return lines;
    }

    private static double time(Action action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e6;
    }


    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }
}
