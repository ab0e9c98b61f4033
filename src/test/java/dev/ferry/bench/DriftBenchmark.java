package dev.ferry.bench;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.ferry.support.AsOperator;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code ./mvnw -Pbench verify}: a drift check of a 500-table target, cold (expected schema built in a
 * sandbox) and warm (from the cache), beside the manual routine: {@code mariadb-dump --no-data} of the
 * live schema and of a freshly migrated one, and a text diff of the two.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
@ExtendWith(AsOperator.class)
class DriftBenchmark {

    private static final Path SCRIPTS = Path.of("target/bench/drift-scripts");
    private static final String LIVE = "ferry_test_benchdrift";
    private static final String FRESH = "ferry_test_benchdrift_fresh";
    private static final int TABLES = 500;
    private static final int RUNS = 5;
    /** Cold checks build a 500-table sandbox each: three, so one slow moment of the machine is not the figure. */
    private static final int COLD_RUNS = 3;

    @Test
    void driftCheckOfFiveHundredTables() throws Exception {
        Files.createDirectories(SCRIPTS);
        for (int v = 1; v <= TABLES; v++) {
            Files.writeString(SCRIPTS.resolve("V" + v + "__drift_table_" + v + ".sql"), "CREATE TABLE drift_" + v
                    + " (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(10,2) DEFAULT 0, KEY ix_name (name));\n");
        }
        reset(LIVE);
        String id = "bench-drift-migrate-" + UUID.randomUUID();
        KafkaTestClient kafka = KafkaTestClient.get();
        kafka.request(id, "migrate", "benchdrift", new HashMap<>());
        assertThat(kafka.awaitResult(id, Duration.ofMinutes(5)).path("status").asText()).isEqualTo("SUCCEEDED");
        reset(FRESH);
        Flyway.configure().dataSource(TestInfrastructure.jdbcUrl(FRESH), TestInfrastructure.username(), TestInfrastructure.password())
                .locations("filesystem:" + SCRIPTS.toAbsolutePath()).load().migrate();

        double[] routine = new double[RUNS];
        double[] warm = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
            routine[run] = dumpAndDiff();
            warm[run] = check(true);
        }
        double[] cold = new double[COLD_RUNS];
        for (int run = 0; run < COLD_RUNS; run++) {
            cold[run] = check(false);
        }
        BenchReport report = new BenchReport();
        report.ratio("drift-500-tables-warm", "ms", warm, "dump-no-data-and-diff", routine, 0.5);
        report.ratio("drift-500-tables-cold", "ms", cold, "dump-no-data-and-diff", routine, 1.5);
        report.appendTo(Path.of("target/bench"));
    }

    /** One drift check over REST; {@code warm} false first drops the cached expected schema by changing nothing but the key. */
    private static double check(boolean warm) throws Exception {
        if (!warm) {
            // The previous cold check's sandbox is dropped after its answer; the next one is timed on a quiet server.
            Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> sandboxes() == 0);
            // A new checksum set (a comment added to the last script) makes the cache miss, so the sandbox is built again.
            Path last = SCRIPTS.resolve("V" + TABLES + "__drift_table_" + TABLES + ".sql");
            Files.writeString(last, Files.readString(last) + "-- touched " + UUID.randomUUID() + "\n");
        }
        long start = System.nanoTime();
        String body = given().get("/api/targets/benchdrift/drift").then().statusCode(200).extract().asString();
        double elapsed = (System.nanoTime() - start) / 1e6;
        assertThat(body).contains("\"clean\":true");
        return elapsed;
    }

    private static int sandboxes() throws SQLException {
        try (java.sql.Connection c = TestInfrastructure.connect(""); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE 'ferry\\_sbx\\_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The manual routine: dump both schemas without data and compare the dumps line by line. */
    private static double dumpAndDiff() throws Exception {
        long start = System.nanoTime();
        List<String> live = dump(LIVE);
        List<String> fresh = dump(FRESH);
        List<String> differing = new ArrayList<>();
        for (int i = 0; i < Math.max(live.size(), fresh.size()); i++) {
            String a = i < live.size() ? live.get(i) : "";
            String b = i < fresh.size() ? fresh.get(i) : "";
            if (!a.equals(b)) {
                differing.add(a);
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e6;
        assertThat(live).hasSizeGreaterThan(TABLES);
        return elapsed + 0 * differing.size();
    }

    private static List<String> dump(String schema) throws Exception {
        Path out = Files.createTempFile("ferry-drift-bench", ".sql");
        String port = TestInfrastructure.jdbcUrl("").replaceAll("^jdbc:mariadb://[^:]+:(\\d+)/.*$", "$1");
        Process p = new ProcessBuilder("mariadb-dump", "--no-data", "--skip-comments", "--skip-dump-date", "-h", "127.0.0.1", "-P", port,
                "-u", "root", schema).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(p.waitFor()).isZero();
        List<String> lines = Files.readAllLines(out).stream().map(l -> l.replaceAll(" AUTO_INCREMENT=\\d+", "")).toList();
        Files.delete(out);
        return lines;
    }

    private static void reset(String schema) throws SQLException {
        TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + schema);
        TestInfrastructure.execute("", "CREATE DATABASE " + schema);
    }
}
