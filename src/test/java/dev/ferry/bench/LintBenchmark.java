package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.lint.LintFinding;
import dev.ferry.lint.ScriptLinter;
import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Lint's cost (issue #20): the lint of a 100-script history beside stock Flyway migrating the same
 * scripts, and each data check over a table of 1,000,000 rows beside the ALTER it protects, run on a
 * copy of that table. Measured in the same run.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class LintBenchmark {

    private static final Path BENCH = Path.of("target/bench");
    private static final int RUNS = 3;
    private static final int ROWS = 1_000_000;
    private static final BenchReport REPORT = new BenchReport();

    @AfterAll
    static void writeReport() throws Exception {
        REPORT.appendTo(BENCH);
    }

    @Test
    void lintOfAHundredScripts() throws Exception {
        Path folder = BENCH.resolve("lint-scripts-100");
        Files.createDirectories(folder);
        List<ScriptLinter.Source> sources = new ArrayList<>();
        for (int v = 1; v <= 100; v++) {
            String name = String.format("V%03d__table_%d.sql", v, v);
            String text = "CREATE TABLE t_" + v + " (id INT NOT NULL PRIMARY KEY, name VARCHAR(50));\n"
                    + "ALTER TABLE t_" + v + " ADD COLUMN note VARCHAR(20) NULL;\n"
                    + "CREATE INDEX ix_" + v + " ON t_" + v + " (name);\n"
                    + "INSERT INTO t_" + v + " (id, name) VALUES (1, 'a'), (2, 'b');\n"
                    + "UPDATE t_" + v + " SET note = 'x' WHERE id = 1;\n";
            Files.writeString(folder.resolve(name), text);
            sources.add(new ScriptLinter.Source(name, text));
        }
        ScriptLinter linter = new ScriptLinter(Map.of(), 1_000_000);
        double[] lint = new double[RUNS];
        double[] flyway = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
            String schema = "ferry_test_bench_lint";
            reset(schema);
            long start = System.nanoTime();
            List<LintFinding> findings;
            try (Connection c = TestInfrastructure.connect(schema)) {
                findings = linter.lint(sources, ScriptLinter.liveFacts(c), Map.of());
            }
            lint[run] = millisSince(start);
            assertThat(findings).noneMatch(LintFinding::blocks);

            reset(schema);
            start = System.nanoTime();
            int applied = Flyway.configure().dataSource(TestInfrastructure.jdbcUrl(schema), TestInfrastructure.username(),
                    TestInfrastructure.password()).locations("filesystem:" + folder.toAbsolutePath()).load().migrate().migrationsExecuted;
            flyway[run] = millisSince(start);
            assertThat(applied).isEqualTo(100);
        }
        REPORT.ratio("lint-100-scripts", "ms", lint, "flyway-migrate-same-scripts", flyway, 0.10);
    }

    @Test
    void dataChecksOverAMillionRows() throws Exception {
        String schema = "ferry_test_bench_datacheck";
        reset(schema);
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big (id INT NOT NULL PRIMARY KEY, v INT NULL, s VARCHAR(40) NOT NULL)");
            s.execute("INSERT INTO big SELECT seq, seq, CONCAT('value-', seq) FROM seq_1_to_" + ROWS);
            s.execute("ANALYZE TABLE big");
        }
        ScriptLinter linter = new ScriptLinter(Map.of(), 1_000_000, 10_000_000);
        Map<String, String> checks = Map.of(
                "data-check-not-null-1m-rows", "MODIFY v INT NOT NULL",
                "data-check-length-1m-rows", "MODIFY s VARCHAR(13) NOT NULL",
                "data-check-unique-1m-rows", "ADD UNIQUE INDEX ux_s (s)");
        for (Map.Entry<String, String> check : checks.entrySet()) {
            double[] lint = new double[RUNS];
            double[] alter = new double[RUNS];
            for (int run = 0; run < RUNS; run++) {
                long start = System.nanoTime();
                List<LintFinding> findings;
                try (Connection c = TestInfrastructure.connect(schema)) {
                    findings = linter.lint("V2__check.sql", "ALTER TABLE big " + check.getValue() + ";", ScriptLinter.liveFacts(c));
                }
                lint[run] = millisSince(start);
                assertThat(findings).as(check.getKey()).noneMatch(LintFinding::blocks);

                try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS big_copy");
                    s.execute("CREATE TABLE big_copy LIKE big");
                    s.execute("INSERT INTO big_copy SELECT * FROM big");
                    start = System.nanoTime();
                    s.execute("ALTER TABLE big_copy " + check.getValue());
                    alter[run] = millisSince(start);
                }
            }
            double median = median(lint);
            REPORT.atMost(check.getKey(), "ms", median, "the-alter-itself", median(alter), 2_000, RUNS);
        }
    }

    private static void reset(String schema) throws SQLException {
        try (Connection c = TestInfrastructure.connect(""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + schema);
            s.execute("CREATE DATABASE " + schema);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000.0;
    }
}
