package dev.ferry.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/**
 * MySQL DDL is not transactional: a script that fails at statement k keeps statements 1..k-1. A
 * 6-statement script made to fail at each statement in turn must end, every time, at the version
 * before or after with no hand SQL: the fixed script continues at statement k, a changed statement
 * that already ran is refused, a revert of the half-applied version lists what ran, and stock Flyway
 * reads the resulting history as its own.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class HalfAppliedScriptTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SCHEMA = "ferry_test_halfway";
    private static final Path FOLDER = Path.of("target/test-work/halfway");

    /** Statement n is on line n + 1 (line 1 is a comment). */
    private static final List<String> SIX = List.of(
            "CREATE TABLE h_a (id INT PRIMARY KEY);",
            "ALTER TABLE h_base ADD COLUMN c2 INT;",
            "CREATE INDEX ix_h_base_c2 ON h_base (c2);",
            "INSERT INTO h_a VALUES (1);",
            "CREATE TABLE h_b (id INT PRIMARY KEY, a_id INT, CONSTRAINT fk_h_b_a FOREIGN KEY (a_id) REFERENCES h_a (id));",
            "UPDATE h_base SET c2 = 1 WHERE id > 0;");
    private static final String BROKEN = "INSERT INTO h_missing VALUES (1);";

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void aScriptFailingAtEachStatementInTurnEndsAtTheVersionBeforeOrAfterWithNoHandSql() throws Exception {
        freshTarget();
        assertThat(send("migrate").path("versionAfter").asText()).isEqualTo("1");
        for (int failing = 1; failing <= SIX.size(); failing++) {
            writeSix(failing, false);

            JsonNode failed = send("migrate");

            assertThat(failed.path("status").asText()).as("statement %d", failing).isEqualTo("FAILED");
            JsonNode error = failed.path("error");
            assertThat(error.path("code").asText()).isEqualTo("MIGRATION_FAILED");
            assertThat(error.path("migration").asText()).isEqualTo("V2__six.sql");
            assertThat(error.path("details").path("statementIndex").asInt()).isEqualTo(failing);
            assertThat(error.path("details").path("line").asInt()).isEqualTo(failing + 1);
            assertThat(error.path("details").path("statementsApplied")).hasSize(failing - 1);
            assertThat(failed.path("versionAfter").asText()).isEqualTo("1");
            if (failing == 1) {
                assertThat(historyOf("2")).as("nothing ran: no failed row").isEmpty();
                assertThat(error.path("details").path("resumable").asBoolean()).isFalse();
            } else {
                assertThat(historyOf("2")).containsExactly("0");
                assertThat(error.path("details").path("resumable").asBoolean()).isTrue();
                JsonNode revert = send("revert");
                assertThat(revert.path("status").asText()).isEqualTo("REJECTED");
                assertThat(revert.path("error").path("code").asText()).isEqualTo("NEEDS_REPAIR");
                assertThat(revert.path("error").path("details").path("statementsApplied")).hasSize(failing - 1);
                assertThat(tables()).as("a refused revert changes nothing").contains("h_a");
            }
            if (failing == 3) {
                // A statement that already ran may not change under a resume.
                writeSix(failing, true);
                JsonNode refused = send("migrate");
                assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
                assertThat(refused.path("error").path("code").asText()).isEqualTo("HISTORY_MISMATCH");
                assertThat(refused.path("error").path("message").asText()).contains("Statement 1 of V2__six.sql");
            }

            writeSix(0, false);
            JsonNode resumed = send("migrate");

            assertThat(resumed.path("status").asText()).as("resume after statement %d: %s", failing,
                    resumed.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
            assertThat(resumed.path("versionAfter").asText()).isEqualTo("2");
            List<Integer> ranNow = new ArrayList<>();
            resumed.path("migrations").get(0).path("statements").forEach(st -> ranNow.add(st.path("index").asInt()));
            assertThat(ranNow).as("statements run by the resume").isEqualTo(java.util.stream.IntStream.rangeClosed(failing, 6).boxed().toList());
            assertThat(historyOf("2")).containsExactly("1");
            assertThat(count("SELECT COUNT(*) FROM h_a")).isEqualTo(1);
            assertThat(count("SELECT COUNT(*) FROM h_base WHERE c2 = 1")).isEqualTo(2);
            assertThat(stockFlywayAgrees()).isTrue();

            JsonNode reverted = send("revert");
            assertThat(reverted.path("status").asText()).as(reverted.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
            assertThat(tables()).doesNotContain("h_a", "h_b");
        }
    }

    /** Stock Flyway, configured only with the folder, validates the history Ferry wrote and sees nothing pending. */
    private static boolean stockFlywayAgrees() {
        Flyway stock = Flyway.configure().dataSource(TestInfrastructure.jdbcUrl(SCHEMA), TestInfrastructure.username(),
                TestInfrastructure.password()).locations("filesystem:" + FOLDER.toAbsolutePath()).load();
        stock.validate();
        MigrationInfo current = stock.info().current();
        return current != null && "2".equals(current.getVersion().getVersion()) && stock.info().pending().length == 0;
    }

    private static void freshTarget() throws Exception {
        TestInfrastructure.freshTarget(SCHEMA, FOLDER);
        Files.writeString(FOLDER.resolve("V1__base.sql"), "CREATE TABLE h_base (id INT PRIMARY KEY);\nINSERT INTO h_base VALUES (1), (2);\n");
        Files.writeString(FOLDER.resolve("U2__six.sql"), "DROP TABLE h_b;\nDROP TABLE h_a;\nDROP INDEX ix_h_base_c2 ON h_base;\n"
                + "ALTER TABLE h_base DROP COLUMN c2;\n");
    }

    /** The six statements, statement {@code failing} replaced by one that fails; the first edited when {@code editFirst}. */
    private static void writeSix(int failing, boolean editFirst) throws Exception {
        StringBuilder script = new StringBuilder("-- six statements\n");
        for (int i = 1; i <= SIX.size(); i++) {
            String statement = i == failing ? BROKEN : SIX.get(i - 1);
            script.append(i == 1 && editFirst ? statement.replace("(id INT PRIMARY KEY)", "(id BIGINT PRIMARY KEY)") : statement)
                    .append('\n');
        }
        Files.writeString(FOLDER.resolve("V2__six.sql"), script.toString());
    }

    private JsonNode send(String action) {
        String id = action + "-halfway-" + UUID.randomUUID();
        kafka.request(id, action, "halfway", new HashMap<>(Map.of("force", true, "reason", "half-applied test")));
        return kafka.awaitResult(id, WAIT);
    }

    private static List<String> historyOf(String version) throws SQLException {
        List<String> flags = new ArrayList<>();
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT success FROM flyway_schema_history WHERE version = '" + version + "'")) {
            while (rs.next()) {
                flags.add(rs.getString(1));
            }
        }
        return flags;
    }

    private static List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + SCHEMA + "'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
