package dev.ferry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The sandbox is the live schema: its foreign keys, view, routine and trigger are there, so a script
 * validates as it would run live. The shapes come from a real history: dropping a foreign key the
 * live target has, breaking one, calling a routine.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class LiveSandboxTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path FOLDER = Path.of("target/test-work/keyed");
    private static final String SCHEMA = "ferry_test_keyed";

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @BeforeAll
    static void liveSchema() throws Exception {
        Files.createDirectories(FOLDER);
        try (var files = Files.list(FOLDER)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.writeString(FOLDER.resolve("V1__keyed.sql"), """
                CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20));
                CREATE TABLE child (id INT PRIMARY KEY, parent_id INT,
                  CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id));
                CREATE TABLE counter (id INT PRIMARY KEY, n INT);
                INSERT INTO parent VALUES (1, 'a'), (2, 'b');
                INSERT INTO child VALUES (10, 1), (11, 2);
                INSERT INTO counter VALUES (1, 0);
                CREATE VIEW child_names AS SELECT c.id, p.name FROM child c JOIN parent p ON p.id = c.parent_id;
                CREATE PROCEDURE bump_counter() UPDATE counter SET n = n + 1 WHERE id = 1;
                CREATE TRIGGER child_checked BEFORE INSERT ON child FOR EACH ROW SET NEW.parent_id = NEW.parent_id;
                """);
        String id = "keyed-v1-" + UUID.randomUUID();
        KafkaTestClient.get().request(id, "migrate", "keyed", new HashMap<>());
        assertThat(KafkaTestClient.get().awaitResult(id, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aScriptDroppingAForeignKeyTheLiveTargetHasValidates() throws Exception {
        JsonNode result = validate("ALTER TABLE child DROP FOREIGN KEY fk_child_parent;\n");
        assertThat(result.path("status").asText()).as(result.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aScriptAddingAForeignKeyOverTheCopiedRowsValidates() throws Exception {
        JsonNode result = validate("ALTER TABLE child ADD CONSTRAINT fk_child_parent_again FOREIGN KEY (parent_id) REFERENCES parent (id);\n");
        assertThat(result.path("status").asText()).as(result.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aScriptBreakingAForeignKeyFailsInTheSandboxAndTheLiveTargetIsUntouched() throws Exception {
        String before = fingerprint();
        JsonNode result = validate("INSERT INTO child (id, parent_id) VALUES (12, 99);\n");
        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(result.path("error").path("migration").asText()).isEqualTo("V2__next.sql");
        assertThat(result.path("error").path("message").asText()).containsIgnoringCase("foreign key");
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    void aScriptCallingARoutineAndReadingAViewValidates() throws Exception {
        String before = fingerprint();
        JsonNode result = validate("CALL bump_counter();\nINSERT INTO counter (id, n) SELECT 100 + id, 0 FROM child_names;\n");
        assertThat(result.path("status").asText()).as(result.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    void theUndoRoundTripPassesAGoodUndoAndNamesOneThatFailsOrLeavesAnotherSchema() throws Exception {
        String forward = "ALTER TABLE parent ADD COLUMN extra INT, ADD INDEX ix_extra (extra);\n";
        try {
            JsonNode good = validate(forward, "ALTER TABLE parent DROP INDEX ix_extra, DROP COLUMN extra;\n");
            assertThat(good.path("status").asText()).as(good.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
            assertThat(good.path("validation").path("roundTrip").path("status").asText()).isEqualTo("passed");
            assertThat(good.path("validation").path("roundTrip").path("undoScripts")).extracting(JsonNode::asText)
                    .containsExactly("U2__next.sql");

            // The shapes of a real history's broken undo scripts: a name that is not there (ERROR 1091), and an undo
            // that forgets part of what its script did.
            JsonNode failing = validate(forward, "ALTER TABLE parent DROP INDEX ix_extra;\nALTER TABLE parent DROP COLUMN extr;\n");
            assertThat(failing.path("status").asText()).isEqualTo("FAILED");
            assertThat(failing.path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
            assertThat(failing.path("error").path("migration").asText()).isEqualTo("U2__next.sql");
            assertThat(failing.path("error").path("message").asText()).contains("U2__next.sql failed at line 2").contains("extr");

            JsonNode differing = validate(forward, "ALTER TABLE parent DROP INDEX ix_extra;\n");
            assertThat(differing.path("status").asText()).isEqualTo("FAILED");
            assertThat(differing.path("validation").path("roundTrip").path("status").asText()).isEqualTo("differs");
            assertThat(differing.path("validation").path("roundTrip").path("differences").toString()).contains("extra");
        } finally {
            Files.deleteIfExists(FOLDER.resolve("U2__next.sql"));
        }
    }

    private JsonNode validate(String v2, String u2) throws Exception {
        Files.writeString(FOLDER.resolve("U2__next.sql"), u2);
        return validate(v2);
    }

    private JsonNode validate(String v2) throws Exception {
        Files.writeString(FOLDER.resolve("V2__next.sql"), v2);
        String id = "keyed-validate-" + UUID.randomUUID();
        kafka.request(id, "validate", "keyed", new HashMap<>(Map.of()));
        return kafka.awaitResult(id, WAIT);
    }

    private static String fingerprint() throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("CHECKSUM TABLE parent, child, counter, flyway_schema_history EXTENDED")) {
            StringBuilder sums = new StringBuilder();
            while (rs.next()) {
                sums.append(rs.getString(1)).append('=').append(rs.getString(2)).append(';');
            }
            return sums.toString();
        }
    }
}
