package dev.ferry.migration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.AsOperator;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An undo script that fails half-way must never leave a history that claims what the undo already
 * removed: the shape of a real history's undo (drop a foreign key, indexes, a column, tables), made
 * to fail at each statement in turn.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
@ExtendWith(AsOperator.class)
class HonestUndoTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SCHEMA = "ferry_test_halfundo";
    private static final Path FOLDER = Path.of("target/test-work/halfundo");

    private static final String FORWARD = """
            CREATE TABLE parent (id INT PRIMARY KEY);
            CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, a INT, b INT, note VARCHAR(20),
              CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id), INDEX ix_a (a), INDEX ix_b (b));
            """;

    /** The undo's statements, one per line (line n+1 holds statement n; line 1 is a comment). */
    private static final List<String> UNDO = List.of(
            "ALTER TABLE child DROP FOREIGN KEY fk_child_parent;",
            "ALTER TABLE child DROP INDEX ix_a;",
            "ALTER TABLE child DROP INDEX ix_b;",
            "ALTER TABLE child DROP COLUMN note;",
            "DROP TABLE child;",
            "DROP TABLE parent;");

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void anUndoFailingAtEachStatementInTurnLeavesAHistoryThatTellsTheTruth() throws Exception {
        for (int failing = 0; failing < UNDO.size(); failing++) {
            freshTarget(failing);
            assertThat(send("migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");

            JsonNode failed = send("revert", Map.of("force", true, "reason", "undo test"));

            assertThat(failed.path("status").asText()).as("statement %d", failing + 1).isEqualTo("FAILED");
            JsonNode error = failed.path("error");
            assertThat(error.path("code").asText()).isEqualTo("MIGRATION_FAILED");
            assertThat(error.path("migration").asText()).isEqualTo("U1__shape.sql");
            assertThat(error.path("details").path("line").asInt()).isEqualTo(failing + 2);
            List<Integer> ran = new ArrayList<>();
            error.path("details").path("statementsRun").forEach(n -> ran.add(n.asInt()));
            assertThat(ran).as("lines that ran before statement %d", failing + 1)
                    .isEqualTo(java.util.stream.IntStream.range(0, failing).mapToObj(i -> i + 2).toList());

            JsonNode view = given().get("/api/targets/halfundo").then().statusCode(200).extract().as(JsonNode.class);
            if (failing == 0) {
                // Nothing ran: the version really is still applied, and a second try fails at the same place.
                assertThat(historySuccess()).containsExactly("1");
                assertThat(view.path("failed").asInt()).isZero();
                assertThat(view.path("currentVersion").asText()).isEqualTo("1");
                assertThat(error.path("details").path("needsRepair").asBoolean()).isFalse();
            } else {
                assertThat(historySuccess()).as("history after failing at statement %d", failing + 1).containsExactly("0");
                assertThat(view.path("failed").asInt()).isEqualTo(1);
                assertThat(error.path("details").path("needsRepair").asBoolean()).isTrue();
                assertThat(error.path("message").asText()).contains("NEEDS_REPAIR");
                JsonNode revertAgain = send("revert", Map.of("force", true, "reason", "undo test"));
                assertThat(revertAgain.path("error").path("code").asText()).isEqualTo("NEEDS_REPAIR");
                JsonNode forcedMigrate = send("migrate", Map.of("force", true, "reason", "undo test"));
                assertThat(forcedMigrate.path("status").asText()).isEqualTo("REJECTED");
                assertThat(forcedMigrate.path("error").path("code").asText()).isEqualTo("NEEDS_REPAIR");
            }
        }
    }

    @Test
    void aLedgerFailureAfterTheScriptsRanStillReportsWhatWasApplied() throws Exception {
        freshTarget(-1);
        // Ferry's own bookkeeping fails right after Flyway applied the scripts.
        TestInfrastructure.execute("ferry_test", "RENAME TABLE ferry_undo_checksum TO ferry_undo_checksum_away");
        JsonNode migrated;
        try {
            migrated = send("migrate", Map.of());
        } finally {
            TestInfrastructure.execute("ferry_test", "RENAME TABLE ferry_undo_checksum_away TO ferry_undo_checksum");
        }
        assertThat(migrated.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(migrated.path("versionAfter").asText()).isEqualTo("1");
        assertThat(migrated.path("migrations")).extracting(m -> m.path("script").asText()).containsExactly("V1__shape.sql");
    }

    @Test
    void anAppliedScriptThatIsGoneIsAHistoryMismatchNotASilentMigrate() throws Exception {
        freshTarget(-1);
        assertThat(send("migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
        Files.delete(FOLDER.resolve("V1__shape.sql"));
        Files.writeString(FOLDER.resolve("V2__more.sql"), "CREATE TABLE more_shape (id INT PRIMARY KEY);\n");
        try {
            JsonNode refused = send("migrate", Map.of());
            assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
            assertThat(refused.path("error").path("code").asText()).isEqualTo("HISTORY_MISMATCH");
            assertThat(refused.path("error").path("message").asText()).contains("its script is gone");
        } finally {
            Files.delete(FOLDER.resolve("V2__more.sql"));
        }
    }

    private static void freshTarget(int failing) throws Exception {
        TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + SCHEMA);
        TestInfrastructure.execute("", "CREATE DATABASE " + SCHEMA);
        Files.createDirectories(FOLDER);
        Files.writeString(FOLDER.resolve("V1__shape.sql"), FORWARD);
        StringBuilder undo = new StringBuilder("-- undo of V1, statement " + (failing + 1) + " made to fail\n");
        for (int i = 0; i < UNDO.size(); i++) {
            undo.append(i == failing ? "ALTER TABLE child DROP COLUMN no_such_column;" : UNDO.get(i)).append('\n');
        }
        Files.writeString(FOLDER.resolve("U1__shape.sql"), undo.toString());
    }

    private JsonNode send(String action, Map<String, Object> extra) {
        String id = action + "-halfundo-" + UUID.randomUUID();
        kafka.request(id, action, "halfundo", new HashMap<>(extra));
        return kafka.awaitResult(id, WAIT);
    }

    private static List<String> historySuccess() throws SQLException {
        List<String> flags = new ArrayList<>();
        try (Connection c = TestInfrastructure.connect(SCHEMA);
                PreparedStatement ps = c.prepareStatement("SELECT success FROM flyway_schema_history WHERE version = '1'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                flags.add(rs.getString(1));
            }
        }
        return flags;
    }
}
