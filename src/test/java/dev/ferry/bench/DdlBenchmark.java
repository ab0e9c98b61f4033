package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * {@code ./mvnw -Pbench verify}: production-size DDL against its baselines, measured in the same run.
 * <ol>
 * <li>the application's query latency on a table while a 30 s transaction holds its metadata lock and
 * an ALTER of it arrives: Ferry (ddl.lock-wait 3 s) vs stock Flyway on the same script;</li>
 * <li>the longest write stall on a 1,000,000-row table during a change that copies it: Ferry with
 * pt-online-schema-change vs a plain ALTER.</li>
 * </ol>
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class DdlBenchmark {

    private static final Path BENCH = Path.of("target/bench");
    private static final BenchReport REPORT = new BenchReport();
    private static final Duration HOLD = Duration.ofSeconds(30);

    private static BenchKafka kafka;

    @BeforeAll
    static void connect() throws Exception {
        kafka = new BenchKafka(TestInfrastructure.bootstrapServers());
    }

    @AfterAll
    static void writeReport() throws Exception {
        kafka.close();
        REPORT.appendTo(BENCH);
    }

    @Test
    void readsDuringAMetadataLockWait() throws Exception {
        Path folder = BENCH.resolve("mdl-scripts");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("V1__busy.sql"), "CREATE TABLE busy (id INT PRIMARY KEY, v INT);\nINSERT INTO busy VALUES (1, 1), (2, 2);\n");
        Files.writeString(folder.resolve("V2__widen.sql"), "ALTER TABLE busy ADD COLUMN note VARCHAR(20);\n");

        String ferrySchema = "ferry_test_benchmdl";
        reset(ferrySchema);
        assertThat(migrate("benchmdl", "1").path("status").asText()).isEqualTo("SUCCEEDED");
        List<Double> ferry = readLatenciesWhileLocked(ferrySchema, () -> {
            JsonNode result = migrate("benchmdl", null);
            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        });

        String flywaySchema = "ferry_test_benchmdl_flyway";
        reset(flywaySchema);
        Flyway stock = Flyway.configure().dataSource(TestInfrastructure.jdbcUrl(flywaySchema), TestInfrastructure.username(),
                TestInfrastructure.password()).locations("filesystem:" + folder.toAbsolutePath()).target("1").load();
        stock.migrate();
        Flyway stockAll = Flyway.configure().dataSource(TestInfrastructure.jdbcUrl(flywaySchema), TestInfrastructure.username(),
                TestInfrastructure.password()).locations("filesystem:" + folder.toAbsolutePath()).load();
        List<Double> flyway = readLatenciesWhileLocked(flywaySchema, stockAll::migrate);

        double[] f = ferry.stream().mapToDouble(Double::doubleValue).toArray();
        double[] b = flyway.stream().mapToDouble(Double::doubleValue).toArray();
        double ferryMax = max(f);
        double flywayMax = max(b);
        REPORT.context("mdl-wait-read-p99", "ms", BenchReport.percentile(f, 99), "flyway-read-p99", BenchReport.percentile(b, 99), f.length);
        REPORT.atMost("mdl-wait-read-max", "ms", ferryMax, "flyway-read-max", flywayMax, 4000, f.length);
        REPORT.ratio("mdl-wait-read-max-vs-flyway", "ms", new double[] { ferryMax }, "flyway-read-max", new double[] { flywayMax }, 0.1);
    }

    @Test
    void writesDuringACopyOfAMillionRows() throws Exception {
        Path folder = BENCH.resolve("copy-scripts");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("V1__wide.sql"), "CREATE TABLE wide (id INT AUTO_INCREMENT PRIMARY KEY, v INT, note VARCHAR(20));\n"
                + "INSERT INTO wide (id, v) SELECT seq, seq FROM seq_1_to_1000000;\n");
        Files.writeString(folder.resolve("V2__widen.sql"), "ALTER TABLE wide MODIFY v BIGINT;\n");

        String ferrySchema = "ferry_test_benchcopy";
        reset(ferrySchema);
        assertThat(migrate("benchcopy", "1").path("status").asText()).isEqualTo("SUCCEEDED");
        double[] ferry = writeStallsDuring(ferrySchema, () -> {
            JsonNode result = migrate("benchcopy", null);
            assertThat(result.path("status").asText()).as(result.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("migrations").get(0).path("statements").get(0).path("algorithm").asText())
                    .isEqualTo("pt-online-schema-change");
        });

        String plainSchema = "ferry_test_benchcopy_plain";
        reset(plainSchema);
        try (Connection c = TestInfrastructure.connect(plainSchema); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE wide (id INT AUTO_INCREMENT PRIMARY KEY, v INT, note VARCHAR(20))");
            s.execute("INSERT INTO wide (id, v) SELECT seq, seq FROM seq_1_to_1000000");
        }
        double[] plain = writeStallsDuring(plainSchema, () -> {
            try (Connection c = TestInfrastructure.connect(plainSchema); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE wide MODIFY v BIGINT");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        REPORT.atMost("copy-1m-rows-longest-write-stall", "ms", ferry[0], "plain-alter-longest-write-stall", plain[0], 1000, 1);
        REPORT.context("copy-1m-rows-duration", "ms", ferry[1], "plain-alter-duration", plain[1], 1);
    }

    /** Every read's latency on {@code busy} while a transaction holds it for 30 s and {@code change} runs. */
    private static List<Double> readLatenciesWhileLocked(String schema, Runnable change) throws Exception {
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean reading = new AtomicBoolean(true);
        try (Connection holder = TestInfrastructure.connect(schema); Connection reader = TestInfrastructure.connect(schema)) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeQuery("SELECT * FROM busy").close();
            }
            CompletableFuture<Void> reads = CompletableFuture.runAsync(() -> {
                try (PreparedStatement read = reader.prepareStatement("SELECT COUNT(*) FROM busy")) {
                    while (reading.get()) {
                        long started = System.nanoTime();
                        read.executeQuery().close();
                        latencies.add((System.nanoTime() - started) / 1_000_000.0);
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<Void> changing = CompletableFuture.runAsync(change);
            Thread.sleep(HOLD.toMillis()); // the application's long transaction: the scenario, not a wait for a result
            holder.commit();
            changing.get(5, TimeUnit.MINUTES);
            reading.set(false);
            reads.get(1, TimeUnit.MINUTES);
        }
        return latencies;
    }

    /** {longest stall, duration} of an application inserting into {@code wide} all the time while {@code change} runs. */
    private static double[] writeStallsDuring(String schema, Runnable change) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        double[] longest = new double[1];
        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
            try (Connection app = TestInfrastructure.connect(schema);
                    PreparedStatement insert = app.prepareStatement("INSERT INTO wide (v, note) VALUES (1, 'app')")) {
                while (writing.get()) {
                    long started = System.nanoTime();
                    for (int attempt = 0; attempt < 5; attempt++) {
                        try {
                            insert.executeUpdate();
                            break;
                        } catch (SQLTransactionRollbackException deadlock) {
                            // an application retries a lost deadlock; the time counts as stall
                        }
                    }
                    longest[0] = Math.max(longest[0], (System.nanoTime() - started) / 1_000_000.0);
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        long started = System.nanoTime();
        change.run();
        double duration = (System.nanoTime() - started) / 1_000_000.0;
        writing.set(false);
        writes.get(1, TimeUnit.MINUTES);
        return new double[] { longest[0], duration };
    }

    private static JsonNode migrate(String target, String toVersion) {
        String id = "bench-" + target + "-" + UUID.randomUUID();
        String to = toVersion == null ? "" : ",\"toVersion\":\"" + toVersion + "\"";
        try {
            return kafka.call(id, target, "{\"requestId\":\"" + id + "\",\"action\":\"migrate\",\"target\":\"" + target + "\"" + to + "}",
                    Duration.ofMinutes(10));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(0);
    }

    private static void reset(String schema) throws SQLException {
        TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + schema);
        TestInfrastructure.execute("", "CREATE DATABASE " + schema);
    }
}
