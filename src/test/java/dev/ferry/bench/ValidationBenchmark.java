package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A target of 3 tables × 100,000 rows with one pending script touching one of them: Ferry's
 * {@code validate} end to end, beside the seed's routine (mariadb-dump snapshot, apply, export the
 * affected table, restore) on the same data in the same run; plus the sandbox clone rate and the
 * undo round trip (revert then migrate the script again). The same validation with a row sample
 * configured (target benchsampled: the same schema, the first 10,000 rows of each touched table)
 * is measured beside it.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class ValidationBenchmark {

    private static final String SCHEMA = "ferry_test_benchvalidate";
    private static final int ROWS = 100_000;
    private static final int RUNS = 5;

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void validateAgainstDumpAndRestore() throws Exception {
        assertThat(send("migrate", Map.of("toVersion", "1")).path("status").asText()).isEqualTo("SUCCEEDED");
        seed();
        Files.createDirectories(Path.of("target/bench/reference"));
        assertThat(send("validate", Map.of("options", Map.of("capture", true))).path("status").asText()).isEqualTo("SUCCEEDED");

        assertThat(send("validate", "benchsampled", Map.of("options", Map.of("capture", true))).path("status").asText())
                .isEqualTo("SUCCEEDED");

        // One unmeasured round first: the figures are of a warmed-up service, not of its first request.
        send("validate", Map.of());
        send("validate", "benchsampled", Map.of());
        dumpApplyExportRestore();

        double[] ferry = new double[RUNS];
        double[] sampled = new double[RUNS];
        double[] routine = new double[RUNS];
        double[] cloneRate = new double[RUNS];
        double[][] phases = new double[4][RUNS];
        for (int run = 0; run < RUNS; run++) {
            long start = System.nanoTime();
            JsonNode result = send("validate", Map.of());
            ferry[run] = (System.nanoTime() - start) / 1e6;
            JsonNode validation = result.path("validation");
            assertThat(validation.path("passed").asBoolean()).isTrue();
            long cloneMs = Math.max(1, validation.path("cloneMs").asLong());
            cloneRate[run] = ROWS / (cloneMs / 1000.0);
            phases[0][run] = validation.path("cloneMs").asDouble();
            phases[1][run] = validation.path("applyMs").asDouble();
            phases[2][run] = validation.path("compareMs").asDouble();
            phases[3][run] = validation.path("roundTripMs").asDouble();
            assertThat(validation.path("roundTrip").path("status").asText()).isEqualTo("passed");
            start = System.nanoTime();
            assertThat(send("validate", "benchsampled", Map.of()).path("validation").path("passed").asBoolean()).isTrue();
            sampled[run] = (System.nanoTime() - start) / 1e6;
            routine[run] = dumpApplyExportRestore();
        }

        double[] undo = new double[RUNS];
        double[] migrateOnly = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
            long start = System.nanoTime();
            assertThat(send("migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
            migrateOnly[run] = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            assertThat(send("revert", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(send("migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
            undo[run] = (System.nanoTime() - start) / 1e6;
            assertThat(send("revert", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
        }

        BenchReport report = new BenchReport();
        report.ratio("validate-3x100k-rows", "ms", ferry, "mariadb-dump-apply-export-restore", routine, 0.2);
        report.ratio("validate-3x100k-rows-sample-10k", "ms", sampled, "mariadb-dump-apply-export-restore", routine, 0.2);
        report.context("validate-phase-clone", "ms", BenchReport.median(phases[0]), "validate-total", BenchReport.median(ferry), RUNS);
        report.context("validate-phase-apply", "ms", BenchReport.median(phases[1]), "validate-total", BenchReport.median(ferry), RUNS);
        report.context("validate-phase-export-compare", "ms", BenchReport.median(phases[2]), "validate-total", BenchReport.median(ferry),
                RUNS);
        // The undo round trip in the sandbox (U2 then V2 again, schema compared after each), beside the forward legs.
        report.context("validate-phase-undo-round-trip", "ms", BenchReport.median(phases[3]), "validate-phase-apply",
                BenchReport.median(phases[1]), RUNS);
        report.context("sandbox-clone-rate", "rows/s", BenchReport.median(cloneRate), "none", 1, RUNS);
        report.ratio("undo-round-trip", "ms", undo, "migrate-alone", migrateOnly, 3.0);
        report.appendTo(Path.of("target/bench"));
    }

    /** The seed's shell routine, step for step, on the live schema. */
    private static double dumpApplyExportRestore() throws Exception {
        Path dump = Files.createTempFile("ferry-bench", ".sql");
        long start = System.nanoTime();
        run(List.of("mariadb-dump", "--single-transaction", "--skip-lock-tables", "-h", "127.0.0.1", "-P", port(), "-u", "root", SCHEMA),
                null, dump.toFile());
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE bench_a SET amount = amount + 1 WHERE id <= 1000");
            try (ResultSet rs = s.executeQuery("SELECT id, name, amount FROM bench_a ORDER BY id");
                    Writer out = Files.newBufferedWriter(Files.createTempFile("ferry-bench", ".csv"), StandardCharsets.UTF_8)) {
                while (rs.next()) {
                    out.write(rs.getInt(1) + "," + rs.getString(2) + "," + rs.getInt(3) + "\n");
                }
            }
        }
        run(List.of("mariadb", "-h", "127.0.0.1", "-P", port(), "-u", "root", SCHEMA), dump.toFile(), null);
        double elapsed = (System.nanoTime() - start) / 1e6;
        Files.delete(dump);
        return elapsed;
    }

    private static void run(List<String> command, File in, File out) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (in != null) {
            builder.redirectInput(in);
        }
        if (out != null) {
            builder.redirectOutput(out);
        }
        assertThat(builder.start().waitFor()).as(String.join(" ", command)).isZero();
    }

    private static String port() throws Exception {
        String url = TestInfrastructure.jdbcUrl("");
        return url.replaceAll("^jdbc:mariadb://[^:]+:(\\d+)/.*$", "$1");
    }

    private static void seed() throws Exception {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            for (String table : new ArrayList<>(List.of("bench_a", "bench_b", "bench_c"))) {
                s.execute("DELETE FROM " + table);
                s.execute("INSERT INTO " + table + " (id, name, amount) SELECT seq + 1, CONCAT('row-', seq), seq % 1000 FROM seq_0_to_99999");
            }
        }
    }

    private JsonNode send(String action, Map<String, Object> extra) {
        return send(action, "benchvalidate", extra);
    }

    private JsonNode send(String action, String target, Map<String, Object> extra) {
        String id = "bench-" + action + "-" + UUID.randomUUID();
        kafka.request(id, action, target, extra);
        return kafka.awaitResult(id, Duration.ofMinutes(5));
    }
}
