package dev.ferry.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * Lint on a history shaped like a real project's: tables created, reshaped, renamed and dropped
 * again within one run, and undo scripts that remove what their own scripts created. A fresh
 * database migrates and reverts without force; a drop on a table that holds rows still blocks.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class RealHistoryLintTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path FOLDER = Path.of("target/test-work/history");

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void aFreshDatabaseMigratesAndRevertsWithoutForceWhileDataIsStillProtected() throws Exception {
        Files.createDirectories(FOLDER);
        try (var files = Files.list(FOLDER)) {
            for (Path file : files.toList()) {
                Files.delete(file); // scripts of an earlier run of this test
            }
        }
        write("V1__users.sql", """
                CREATE TABLE app_user (id INT PRIMARY KEY, email VARCHAR(255), nick VARCHAR(100), legacy INT);
                CREATE TABLE profile (id INT PRIMARY KEY, userId INT, bio TEXT);
                """);
        write("U1__users.sql", "DROP TABLE profile;\nDROP TABLE app_user;\n");
        write("V2__reshape.sql", """
                ALTER TABLE app_user DROP COLUMN legacy;
                ALTER TABLE app_user CHANGE nick nickname VARCHAR(100);
                ALTER TABLE profile MODIFY bio VARCHAR(500);
                RENAME TABLE profile TO user_profile;
                """);
        write("U2__reshape.sql", """
                RENAME TABLE user_profile TO profile;
                ALTER TABLE profile MODIFY bio TEXT;
                ALTER TABLE app_user CHANGE nickname nick VARCHAR(100);
                ALTER TABLE app_user ADD COLUMN legacy INT;
                """);
        write("V3__scratch.sql", """
                CREATE TABLE scratch (id INT PRIMARY KEY);
                DROP TABLE scratch;
                ALTER TABLE app_user ADD COLUMN tmp INT;
                ALTER TABLE app_user DROP COLUMN tmp;
                """);
        write("U3__scratch.sql", "SELECT 1;\n");

        JsonNode migrated = send("migrate", Map.of());
        assertThat(migrated.path("status").asText()).as(migrated.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        assertThat(migrated.path("lint")).extracting(f -> f.path("severity").asText()).doesNotContain("BLOCK").isNotEmpty();

        JsonNode reverted = send("revert", Map.of("steps", 3));
        assertThat(reverted.path("status").asText()).as(reverted.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        assertThat(reverted.path("lint")).extracting(f -> f.path("severity").asText()).doesNotContain("BLOCK");

        assertThat(send("migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
        TestInfrastructure.execute("ferry_test_history", "INSERT INTO app_user (id, email, nickname) VALUES (1, 'a@example.org', 'a')");
        write("V4__drop_email.sql", "ALTER TABLE app_user DROP COLUMN email;\n");
        JsonNode refused = send("migrate", Map.of());
        assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("LINT_BLOCKED");
    }

    private static void write(String name, String sql) throws Exception {
        Files.writeString(FOLDER.resolve(name), sql);
    }

    private JsonNode send(String action, Map<String, Object> extra) {
        String id = action + "-history-" + UUID.randomUUID();
        kafka.request(id, action, "history", new HashMap<>(extra));
        return kafka.awaitResult(id, WAIT);
    }
}
