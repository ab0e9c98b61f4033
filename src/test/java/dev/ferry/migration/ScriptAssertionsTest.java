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

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.AsOperator;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code -- ferry:check} before a script and {@code -- ferry:check-after} after it: a check that finds
 * rows stops the change with CHECK_FAILED, the rows counted and shown; once the data is right the same
 * migrate goes through, and a script whose statements all ran is not run again.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
@ExtendWith(AsOperator.class)
class ScriptAssertionsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SCHEMA = "ferry_test_asserting";
    private static final Path FOLDER = Path.of("target/test-work/asserting");

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void aCheckBeforeAScriptRefusesItOnTheRowsItFindsAndLetsItRunOnceTheyAreGone() throws Exception {
        accountsMigrated("CREATE TABLE account (id INT PRIMARY KEY, email VARCHAR(80));\n"
                + "INSERT INTO account VALUES (1, 'ann@example.org'), (2, 'bob@example.org'), (3, 'ann@example.org');\n");
        // A unique key over repeated emails: lint's data rule predicts the server's refusal, with the value.
        Files.writeString(FOLDER.resolve("V2__unique_email.sql"), "ALTER TABLE account ADD UNIQUE KEY ux_account_email (email);\n");
        JsonNode predicted = send("migrate", Map.of());
        assertThat(predicted.path("status").asText()).isEqualTo("REJECTED");
        assertThat(predicted.path("error").path("code").asText()).isEqualTo("LINT_BLOCKED");
        JsonNode finding = predicted.path("lint").get(0);
        assertThat(finding.path("rule").asText()).isEqualTo("unique-duplicates");
        assertThat(finding.path("rows").asLong()).isEqualTo(1);
        assertThat(finding.path("sample").get(0).asText()).isEqualTo("ann@example.org (2 rows)");

        // What lint cannot know, the script states: the login copied from the email must be unique.
        Files.writeString(FOLDER.resolve("V2__unique_email.sql"), "-- no two accounts may share an email, which becomes their login\n"
                + "-- ferry:check SELECT email, COUNT(*) AS n FROM account GROUP BY email HAVING COUNT(*) > 1;\n"
                + "ALTER TABLE account ADD COLUMN login VARCHAR(80) NULL;\nUPDATE account SET login = email WHERE id > 0;\n");

        JsonNode dryRun = send("migrate", Map.of("dryRun", true));
        assertThat(dryRun.path("status").asText()).isEqualTo("REJECTED");
        assertThat(dryRun.path("error").path("code").asText()).isEqualTo("CHECK_FAILED");

        JsonNode refused = send("migrate", Map.of());
        assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
        JsonNode error = refused.path("error");
        assertThat(error.path("code").asText()).isEqualTo("CHECK_FAILED");
        assertThat(error.path("migration").asText()).isEqualTo("V2__unique_email.sql");
        assertThat(error.path("details").path("line").asInt()).isEqualTo(2);
        assertThat(error.path("details").path("when").asText()).isEqualTo("before");
        assertThat(error.path("details").path("rows").asLong()).isEqualTo(1);
        assertThat(error.path("details").path("sample").get(0).path("email").asText()).isEqualTo("ann@example.org");
        assertThat(refused.path("versionAfter").asText()).isEqualTo("1");
        assertThat(history()).as("no failed row is left for a script that did not run").containsExactly("1:1");

        TestInfrastructure.execute(SCHEMA, "DELETE FROM account WHERE id = 3");
        JsonNode migrated = send("migrate", Map.of());
        assertThat(migrated.path("status").asText()).as(migrated.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        assertThat(migrated.path("versionAfter").asText()).isEqualTo("2");
    }

    @Test
    void aCheckAfterAScriptFailsItWithTheRowsAndTheNextMigrateChecksAgainWithoutRunningItTwice() throws Exception {
        accountsMigrated("CREATE TABLE account (id INT PRIMARY KEY, email VARCHAR(80), verified INT);\n"
                + "INSERT INTO account VALUES (1, 'ann@example.org', 0), (2, NULL, 0);\n");
        // The script marks every account verified; afterwards, no verified account may lack an email.
        Files.writeString(FOLDER.resolve("V2__verify.sql"), "UPDATE account SET verified = verified + 1 WHERE id > 0;\n"
                + "-- ferry:check-after SELECT id FROM account WHERE verified > 0 AND email IS NULL\n");

        JsonNode failed = send("migrate", Map.of());
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        JsonNode error = failed.path("error");
        assertThat(error.path("code").asText()).isEqualTo("CHECK_FAILED");
        assertThat(error.path("details").path("when").asText()).isEqualTo("after");
        assertThat(error.path("details").path("rows").asLong()).isEqualTo(1);
        assertThat(error.path("details").path("sample").get(0).path("id").asText()).isEqualTo("2");

        TestInfrastructure.execute(SCHEMA, "UPDATE account SET email = 'bea@example.org' WHERE id = 2");
        JsonNode resumed = send("migrate", Map.of());
        assertThat(resumed.path("status").asText()).as(resumed.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        assertThat(resumed.path("versionAfter").asText()).isEqualTo("2");
        assertThat(verifiedCounts()).as("the UPDATE ran once").containsExactly(1, 1);
    }

    @Test
    void aCheckThatCannotRunIsNamedAndNothingRuns() throws Exception {
        TestInfrastructure.freshTarget(SCHEMA, FOLDER);
        Files.writeString(FOLDER.resolve("V1__t.sql"), "-- ferry:check SELEKT nothing\nCREATE TABLE t (id INT PRIMARY KEY);\n");

        JsonNode refused = send("migrate", Map.of());

        assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("CHECK_FAILED");
        assertThat(refused.path("error").path("message").asText()).contains("cannot run");
        assertThat(history()).isEmpty();
    }

    @Test
    void validateAsksTheChecksInTheSandbox() throws Exception {
        accountsMigrated("CREATE TABLE account (id INT PRIMARY KEY, email VARCHAR(80));\n"
                + "INSERT INTO account VALUES (1, 'ann@example.org'), (2, 'bob@example.org');\n");
        Files.writeString(FOLDER.resolve("V2__forget_bob.sql"), "-- ferry:check-after SELECT id FROM account WHERE email IS NULL\n"
                + "UPDATE account SET email = NULL WHERE id = 2;\n");

        JsonNode validated = send("validate", Map.of());

        assertThat(validated.path("error").path("code").asText()).isEqualTo("CHECK_FAILED");
        assertThat(validated.path("error").path("message").asText()).contains("sandbox");
        assertThat(history()).containsExactly("1:1"); // the live target is untouched
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM account WHERE email IS NULL")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    /** A fresh target at version 1, which creates and fills the account table. */
    private void accountsMigrated(String v1) throws Exception {
        TestInfrastructure.freshTarget(SCHEMA, FOLDER);
        Files.writeString(FOLDER.resolve("V1__accounts.sql"), v1);
        assertThat(send("migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    private JsonNode send(String action, Map<String, Object> extra) {
        String id = action + "-asserting-" + UUID.randomUUID();
        kafka.request(id, action, "asserting", new HashMap<>(extra));
        return kafka.awaitResult(id, WAIT);
    }

    /** "version:success" of every history row. */
    private static List<String> history() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            try (ResultSet exists = s.executeQuery("SELECT 1 FROM information_schema.tables WHERE table_schema = '" + SCHEMA
                    + "' AND table_name = 'flyway_schema_history'")) {
                if (!exists.next()) {
                    return rows;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history ORDER BY installed_rank")) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + ":" + rs.getInt(2));
                }
            }
        }
        return rows;
    }

    private static List<Integer> verifiedCounts() throws SQLException {
        List<Integer> counts = new ArrayList<>();
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT verified FROM account ORDER BY id")) {
            while (rs.next()) {
                counts.add(rs.getInt(1));
            }
        }
        return counts;
    }
}
