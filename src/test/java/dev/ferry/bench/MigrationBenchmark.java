package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code ./mvnw -Pbench verify}: Ferry against its baselines, measured in the same run.
 * <ol>
 * <li>migrating 100 and 500 trivial scripts: Ferry (request published to result consumed) vs the
 * Flyway API directly vs plain JDBC;</li>
 * <li>request-to-result latency of {@code info} vs the broker's own produce-to-consume round trip.</li>
 * </ol>
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class MigrationBenchmark {

    private static final Path BENCH = Path.of("target/bench");
    private static final int RUNS = 3;
    private static final int LATENCY_SAMPLES = 200;
    private static final BenchReport REPORT = new BenchReport();

    private static BenchKafka kafka;

    @BeforeAll
    static void connect() throws Exception {
        kafka = new BenchKafka(dev.ferry.support.TestInfrastructure.bootstrapServers());
    }

    @AfterAll
    static void writeReport() throws Exception {
        kafka.close();
        REPORT.appendTo(BENCH);
    }

    @Test
    void migrateTrivialScripts() throws Exception {
        for (int scripts : new int[] { 100, 500 }) {
            Path folder = writeScripts(scripts);
            double[] ferry = new double[RUNS];
            double[] flyway = new double[RUNS];
            double[] jdbc = new double[RUNS];
            for (int run = 0; run < RUNS; run++) {
                ferry[run] = timeFerry("bench" + scripts, scripts);
                flyway[run] = timeFlyway(folder, scripts);
                jdbc[run] = timeJdbc(folder, scripts);
            }
            REPORT.ratio("migrate-" + scripts + "-scripts", "ms", ferry, "flyway-direct", flyway, 1.05);
            REPORT.ratio("migrate-" + scripts + "-scripts-vs-jdbc", "ms", ferry, "jdbc-plain", jdbc, 2.5);
        }
    }

    @Test
    void infoLatency() throws Exception {
        for (int i = 0; i < 20; i++) { // warm-up
            info();
            kafka.echo(Duration.ofSeconds(30));
        }
        double[] ferry = new double[LATENCY_SAMPLES];
        double[] broker = new double[LATENCY_SAMPLES];
        for (int i = 0; i < LATENCY_SAMPLES; i++) {
            ferry[i] = info();
            long start = System.nanoTime();
            kafka.echo(Duration.ofSeconds(30));
            broker[i] = millisSince(start);
        }
        REPORT.overhead("info-latency-p50", "ms", BenchReport.percentile(ferry, 50), "broker-round-trip-p50",
                BenchReport.percentile(broker, 50), 20, LATENCY_SAMPLES);
        REPORT.overhead("info-latency-p99", "ms", BenchReport.percentile(ferry, 99), "broker-round-trip-p99",
                BenchReport.percentile(broker, 99), 50, LATENCY_SAMPLES);
    }

    private static double info() throws Exception {
        String id = "bench-info-" + UUID.randomUUID();
        long start = System.nanoTime();
        JsonNode result = kafka.call(id, "alkemio",
                "{\"requestId\":\"" + id + "\",\"action\":\"info\",\"target\":\"alkemio\"}", Duration.ofSeconds(30));
        double elapsed = millisSince(start);
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        return elapsed;
    }

    private static double timeFerry(String target, int scripts) throws Exception {
        String schema = "ferry_test_" + target;
        resetSchema(schema);
        String id = "bench-" + target + "-" + UUID.randomUUID();
        long start = System.nanoTime();
        JsonNode result = kafka.call(id, target, "{\"requestId\":\"" + id + "\",\"action\":\"migrate\",\"target\":\"" + target + "\"}",
                Duration.ofMinutes(5));
        double elapsed = millisSince(start);
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("migrations").size()).isEqualTo(scripts);
        return elapsed;
    }

    private static double timeFlyway(Path folder, int scripts) throws SQLException {
        String schema = "ferry_test_bench_flyway";
        resetSchema(schema);
        long start = System.nanoTime();
        int applied = Flyway.configure()
                .dataSource(TestInfrastructure.jdbcUrl(schema), TestInfrastructure.username(), TestInfrastructure.password())
                .locations("filesystem:" + folder.toAbsolutePath())
                .load().migrate().migrationsExecuted;
        double elapsed = millisSince(start);
        assertThat(applied).isEqualTo(scripts);
        return elapsed;
    }

    /** The floor: one connection, each script executed and recorded in a minimal history table. */
    private static double timeJdbc(Path folder, int scripts) throws Exception {
        String schema = "ferry_test_bench_jdbc";
        resetSchema(schema);
        long start = System.nanoTime();
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE jdbc_history (version INT PRIMARY KEY, script VARCHAR(255) NOT NULL, checksum INT NOT NULL,"
                    + " installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time INT NOT NULL, success BOOLEAN NOT NULL)");
            try (PreparedStatement history = c.prepareStatement(
                    "INSERT INTO jdbc_history (version, script, checksum, execution_time, success) VALUES (?, ?, ?, ?, TRUE)")) {
                for (int v = 1; v <= scripts; v++) {
                    Path script = folder.resolve(scriptName(v));
                    String sql = Files.readString(script);
                    long began = System.nanoTime();
                    s.execute(sql);
                    history.setInt(1, v);
                    history.setString(2, script.getFileName().toString());
                    history.setInt(3, sql.hashCode());
                    history.setInt(4, (int) millisSince(began));
                    history.executeUpdate();
                }
            }
        }
        return millisSince(start);
    }

    private static Path writeScripts(int count) throws Exception {
        Path folder = BENCH.resolve("scripts-" + count);
        Files.createDirectories(folder);
        for (int v = 1; v <= count; v++) {
            Files.writeString(folder.resolve(scriptName(v)), "CREATE TABLE bench_" + v + " (id INT NOT NULL PRIMARY KEY);\n");
        }
        return folder;
    }

    private static String scriptName(int version) {
        return "V" + version + "__bench_table_" + version + ".sql";
    }

    private static void resetSchema(String schema) throws SQLException {
        try (Connection c = TestInfrastructure.connect(""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                s.execute("DROP TABLE `" + schema + "`.`" + table + "`");
            }
        }
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000.0;
    }
}
