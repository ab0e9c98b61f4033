package dev.ferry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/** validate: the sandbox run compared with reference CSVs, and the live target never written. */
@QuarkusTest
@Tag(Tags.QUARKUS)
class SandboxValidationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Inject
    SandboxValidator validator;

    @BeforeAll
    static void applyV1() {
        for (String target : List.of("validated", "corrupting", "capturable", "sampled", "escaping", "sneaking")) {
            String id = "v1-" + target + "-" + UUID.randomUUID();
            KafkaTestClient.get().request(id, "migrate", target, Map.of("toVersion", "1"));
            assertThat(KafkaTestClient.get().awaitResult(id, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void aMigrationThatChangesDataAsIntendedPassesAndTheLiveTargetIsUntouched() throws Exception {
        String before = fingerprint("ferry_test_validated");

        JsonNode result = send("validate", "validated", Map.of());

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode report = result.path("validation");
        assertThat(report.path("passed").asBoolean()).isTrue();
        assertThat(report.path("scripts")).extracting(JsonNode::asText).containsExactly("V2__normalise_emails.sql");
        assertThat(report.path("tables").get(0).path("table").asText()).isEqualTo("account");
        assertThat(report.path("tables").get(0).path("status").asText()).isEqualTo("match");
        assertThat(Files.exists(Path.of(report.path("artifacts").asText(), "account.csv"))).isTrue();
        assertThat(Files.readString(Path.of(report.path("artifacts").asText(), "account.csv"))).doesNotContain("createdDate");
        assertThat(fingerprint("ferry_test_validated")).isEqualTo(before);
        assertThat(count("ferry_test", "SELECT COUNT(*) FROM ferry_validated_script WHERE target = 'validated'"
                + " AND script = 'V2__normalise_emails.sql'")).isEqualTo(1);
        assertThat(sandboxes()).isEmpty();
    }

    @Test
    void aMigrationThatCorruptsARowFailsWithThatRowInTheReport() throws SQLException {
        JsonNode result = send("validate", "corrupting", Map.of());

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
        JsonNode table = result.path("validation").path("tables").get(0);
        assertThat(table.path("changed").asInt()).isEqualTo(1);
        assertThat(table.path("missing").asInt()).isZero();
        assertThat(table.path("differences").get(0).path("expected").path("balance").asText()).isEqualTo("20.50");
        assertThat(table.path("differences").get(0).path("actual").path("balance").asText()).isEqualTo("0.00");
        assertThat(kafka.awaitAlerts(result.path("requestId").asText(), 1, WAIT).get(0).path("kind").asText())
                .isEqualTo("validation-mismatch");
        assertThat(count("ferry_test", "SELECT COUNT(*) FROM ferry_validated_script WHERE target = 'corrupting'")).isZero();
        // The differing rows are live data: a viewer reads them with every email masked.
        String asViewer = io.restassured.RestAssured.given().auth().oauth2(dev.ferry.support.TestTokens.viewer())
                .get("/api/requests/" + result.path("requestId").asText()).then().statusCode(200).extract().asString();
        assertThat(asViewer).contains("b***@example.org").doesNotContain("bob@example.org");
        String asOperator = io.restassured.RestAssured.given().auth().oauth2(dev.ferry.support.TestTokens.operator())
                .get("/api/requests/" + result.path("requestId").asText()).then().statusCode(200).extract().asString();
        assertThat(asOperator).contains("bob@example.org");
        assertThat(sandboxes()).isEmpty();
    }

    @Test
    void concurrentValidationsUseSeparateSandboxes() {
        String a = "validate-a-" + UUID.randomUUID();
        String b = "validate-b-" + UUID.randomUUID();
        kafka.send("validated-key-a", "{\"requestId\":\"" + a + "\",\"action\":\"validate\",\"target\":\"validated\"}");
        kafka.send("validated-key-b", "{\"requestId\":\"" + b + "\",\"action\":\"validate\",\"target\":\"validated\"}");

        JsonNode first = kafka.awaitResult(a, WAIT);
        JsonNode second = kafka.awaitResult(b, WAIT);

        assertThat(first.path("validation").path("passed").asBoolean()).isTrue();
        assertThat(second.path("validation").path("passed").asBoolean()).isTrue();
        assertThat(first.path("validation").path("sandbox").asText()).isNotEqualTo(second.path("validation").path("sandbox").asText());
    }

    @Test
    void captureWritesTheReferenceSetThatTheNextValidationPasses() throws Exception {
        Path folder = Path.of("target/test-work/capture");
        if (Files.exists(folder)) {
            try (var files = Files.list(folder)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
        JsonNode first = send("validate", "capturable", Map.of());
        assertThat(first.path("validation").path("tables").get(0).path("status").asText()).isEqualTo("no-reference");

        JsonNode captured = send("validate", "capturable", Map.of("options", Map.of("capture", true)));
        assertThat(captured.path("validation").path("captured").asBoolean()).isTrue();
        assertThat(Files.readString(folder.resolve("account.csv"))).contains("alice@example.org");

        JsonNode checked = send("validate", "capturable", Map.of());
        assertThat(checked.path("validation").path("tables").get(0).path("status").asText()).isEqualTo("match");
    }

    @Test
    void aRowSampleTakesTheFirstRowsByPrimaryKeyOnEveryRun() throws Exception {
        // Inserted last, first by key: a sample in insertion order would miss it.
        TestInfrastructure.execute("ferry_test_sampled", "INSERT IGNORE INTO account (id, email, balance) VALUES (0, 'Zed@Example.org', 5.00)");
        Path folder = Path.of("target/test-work/sampled");
        Files.deleteIfExists(folder.resolve("account.csv"));

        JsonNode captured = send("validate", "sampled", Map.of("options", Map.of("capture", true)));
        assertThat(captured.path("validation").path("tables").get(0).path("actual").asInt()).isEqualTo(2);
        assertThat(Files.readAllLines(folder.resolve("account.csv"))).hasSize(3)
                .anyMatch(line -> line.startsWith("0,zed@example.org,"))
                .anyMatch(line -> line.startsWith("1,alice@example.org,"));

        JsonNode checked = send("validate", "sampled", Map.of());
        assertThat(checked.path("validation").path("passed").asBoolean()).isTrue();
        assertThat(checked.path("validation").path("tables").get(0).path("status").asText()).isEqualTo("match");
    }

    @Test
    void aSandboxLeftByACrashIsDroppedAtStart() throws SQLException {
        try (Connection c = TestInfrastructure.connect(""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS ferry_sbx_crashed_0123456789ab");
        }

        validator.dropAbandonedSandboxes();

        assertThat(sandboxes()).doesNotContain("ferry_sbx_crashed_0123456789ab");
    }

    private JsonNode send(String action, String target, Map<String, Object> extra) {
        String id = action + "-" + target + "-" + UUID.randomUUID();
        kafka.request(id, action, target, extra);
        return kafka.awaitResult(id, WAIT);
    }

    /** Everything a write could change: table checksums and the history. */
    @Test
    void aPendingScriptThatNamesTheLiveSchemaIsRefusedBeforeItRuns() throws Exception {
        String before = fingerprint("ferry_test_escaping");

        JsonNode result = send("validate", "escaping", Map.of());

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(result.path("error").path("migration").asText()).isEqualTo("V2__reaches_live.sql");
        assertThat(result.path("error").path("details").path("line").asInt()).isEqualTo(3);
        assertThat(result.path("error").path("message").asText()).contains("DELETE FROM ferry_test_escaping.account");
        assertThat(fingerprint("ferry_test_escaping")).isEqualTo(before);
        assertThat(sandboxes()).isEmpty();
    }

    @Test
    void aPendingScriptThatReachesTheLiveSchemaAtRunTimeCannotChangeIt() throws Exception {
        String before = fingerprint("ferry_test_sneaking");

        JsonNode result = send("validate", "sneaking", Map.of());

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(result.path("error").path("migration").asText()).isEqualTo("V2__reaches_live_at_run_time.sql");
        // Run as a user confined to the sandbox, it is denied; where Ferry may not create one (the embedded
        // server runs without grant tables), it is refused before it runs.
        assertThat(result.path("error").path("message").asText()).containsAnyOf("denied", "only known when it runs");
        assertThat(fingerprint("ferry_test_sneaking")).isEqualTo(before);
        assertThat(count("ferry_test_sneaking", "SELECT COUNT(*) FROM account")).isEqualTo(3);
        assertThat(sandboxes()).isEmpty();
        assertThat(count("mysql", "SELECT COUNT(*) FROM mysql.user WHERE user LIKE 'ferry\\_sbx\\_%'")).isZero();
    }

    private static String fingerprint(String schema) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("CHECKSUM TABLE account, flyway_schema_history EXTENDED")) {
            StringBuilder sums = new StringBuilder();
            while (rs.next()) {
                sums.append(rs.getString(1)).append('=').append(rs.getString(2)).append(';');
            }
            return sums.toString();
        }
    }

    private static List<String> sandboxes() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = TestInfrastructure.connect(""); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'ferry\\_sbx\\_%'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static long count(String schema, String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
