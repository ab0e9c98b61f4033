package dev.ferry.migration;

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
import java.util.HashMap;
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

/** Revert with undo scripts, lint blocks and force, the validation gate, TypeORM adoption, checksum drift. */
@QuarkusTest
@Tag(Tags.QUARKUS)
class SafeChangesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void revertOneNAndToVersionThenMigrateBackLeavesTheSchemaIdentical() throws SQLException {
        assertThat(send("migrate", "undoable", Map.of()).path("versionAfter").asText()).isEqualTo("3");
        List<String> migrated = schema("ferry_test_undoable");

        JsonNode one = send("revert", "undoable", Map.of());
        assertThat(one.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(one.path("migrations")).extracting(m -> m.path("script").asText()).containsExactly("U3__create_task.sql");
        assertThat(one.path("versionAfter").asText()).isEqualTo("2");

        JsonNode two = send("revert", "undoable", Map.of("steps", 2));
        assertThat(two.path("migrations")).extracting(m -> m.path("version").asText()).containsExactly("2", "1");
        assertThat(two.path("versionAfter").isNull()).isTrue();
        assertThat(tables("ferry_test_undoable")).containsExactly("flyway_schema_history");

        JsonNode info = send("info", "undoable", Map.of());
        assertThat(info.path("migrations")).extracting(m -> m.path("state").asText()).containsOnly("PENDING");

        send("migrate", "undoable", Map.of());
        assertThat(schema("ferry_test_undoable")).isEqualTo(migrated);

        JsonNode toVersion = send("revert", "undoable", Map.of("toVersion", "1"));
        assertThat(toVersion.path("migrations")).extracting(m -> m.path("version").asText()).containsExactly("3", "2");
        assertThat(toVersion.path("versionAfter").asText()).isEqualTo("1");
        send("migrate", "undoable", Map.of());
        assertThat(schema("ferry_test_undoable")).isEqualTo(migrated);
    }

    @Test
    void aVersionBeingUndoneIsRecordedAsFailedUntilItsUndoFinishes() throws SQLException {
        // If Ferry died during the undo, the target would then say NEEDS_REPAIR instead of claiming the version.
        send("migrate", "slowundo", Map.of());
        String id = "revert-slowundo-" + UUID.randomUUID();
        kafka.request(id, "revert", "slowundo", new HashMap<>());
        org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> historySuccess("ferry_test_slowundo", "1").equals(List.of("0")));
        assertThat(kafka.awaitResult(id, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(historySuccess("ferry_test_slowundo", "1")).isEmpty();
        assertThat(tables("ferry_test_slowundo")).containsExactly("flyway_schema_history");
    }

    @Test
    void aJavaUndoMigrationRevertsWhenNoSqlUndoExists() throws SQLException {
        send("migrate", "javaundo", Map.of());
        assertThat(tables("ferry_test_javaundo")).contains("note");

        JsonNode reverted = send("revert", "javaundo", Map.of());

        assertThat(reverted.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(reverted.path("migrations").get(0).path("script").asText()).isEqualTo("db.javaundo.U1__create_note");
        assertThat(reverted.path("migrations").get(0).path("type").asText()).isEqualTo("UNDO_JDBC");
        assertThat(tables("ferry_test_javaundo")).containsExactly("flyway_schema_history");
        assertThat(send("info", "javaundo", Map.of()).path("migrations").get(0).path("state").asText()).isEqualTo("PENDING");
    }

    @Test
    void revertDryRunReturnsTheUndoPlanAndChangesNothing() throws SQLException {
        send("migrate", "noundo", Map.of("toVersion", "1"));

        JsonNode plan = send("revert", "noundo", Map.of("dryRun", true));

        assertThat(plan.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(plan.path("plan")).extracting(p -> p.path("script").asText()).containsExactly("U1__create_a.sql");
        assertThat(plan.path("plan").get(0).path("sql").asText()).contains("DROP TABLE a");
        assertThat(tables("ferry_test_noundo")).contains("a");
    }

    @Test
    void aMissingUndoScriptRefusesTheWholeChainAndChangesNothing() throws SQLException {
        send("migrate", "noundo", Map.of());
        List<String> before = schema("ferry_test_noundo");

        JsonNode refused = send("revert", "noundo", Map.of("steps", 2));

        assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("UNDO_MISSING");
        assertThat(refused.path("error").path("message").asText()).contains("U2__");
        assertThat(schema("ferry_test_noundo")).isEqualTo(before);
        assertThat(count("ferry_test_noundo", "SELECT COUNT(*) FROM flyway_schema_history")).isEqualTo(2);
    }

    @Test
    void aBlockingFindingRefusesTheMigrateAndForceRunsItWithAWarningAlert() throws SQLException {
        // The table holds a row by the time V2 would drop it: that is what makes the drop blocking.
        assertThat(send("migrate", "lintme", Map.of("toVersion", "1")).path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode dry = send("migrate", "lintme", Map.of("dryRun", true));
        assertThat(dry.path("lint")).extracting(f -> f.path("rule").asText() + "@" + f.path("script").asText() + ":"
                + f.path("line").asInt()).containsExactly("drop-table@V2__drop_scratch.sql:2");

        JsonNode refused = send("migrate", "lintme", Map.of());
        assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("LINT_BLOCKED");
        assertThat(tables("ferry_test_lintme")).contains("scratch");

        String forcedId = "forced-" + UUID.randomUUID();
        kafka.request(forcedId, "migrate", "lintme", Map.of("force", true, "reason", "scratch table was never used"));
        JsonNode forced = kafka.awaitResult(forcedId, WAIT);
        assertThat(forced.path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode alert = kafka.awaitAlerts(forcedId, 1, WAIT).get(0);
        assertThat(alert.path("severity").asText()).isEqualTo("warning");
        assertThat(alert.path("kind").asText()).isEqualTo("forced-run");
        assertThat(count("ferry_test", "SELECT COUNT(*) FROM ferry_request WHERE request_id = '" + forcedId + "' AND forced = 1"))
                .isEqualTo(1);
    }

    @Test
    void theValidationGateRefusesUnvalidatedScriptsUntilTheirChecksumPassed() throws SQLException {
        JsonNode refused = send("migrate", "gated", Map.of());
        assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("NOT_VALIDATED");

        long checksum = send("info", "gated", Map.of()).path("migrations").get(0).path("checksum").asLong();
        try (Connection c = TestInfrastructure.connect("ferry_test"); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ferry_validated_script (target, script, checksum, request_id, validated_at) VALUES"
                        + " ('gated', 'V1__create_gated.sql', ?, 'validate-test', UTC_TIMESTAMP())")) {
            ps.setLong(1, checksum);
            ps.executeUpdate();
        }

        assertThat(send("migrate", "gated", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aTypeOrmDatabaseIsAdoptedWithoutRunningAnythingAgain() throws SQLException {
        typeOrmDatabase("ferry_test_typeorm", List.of("CreateUser1690000000001", "CreateSpace1690000000002"), "app_user", "space");

        JsonNode adopted = send("baseline", "typeorm", Map.of());
        assertThat(adopted.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(adopted.path("versionAfter").asText()).isEqualTo("2");

        // The baseline stands for versions 1 and 2: two applied versions, not none.
        io.restassured.RestAssured.given().auth().oauth2(dev.ferry.support.TestTokens.viewer()).get("/api/targets/typeorm").then()
                .statusCode(200).body("currentVersion", org.hamcrest.Matchers.equalTo("2")).body("applied", org.hamcrest.Matchers.equalTo(2))
                .body("failed", org.hamcrest.Matchers.equalTo(0));

        JsonNode migrated = send("migrate", "typeorm", Map.of());
        assertThat(migrated.path("migrations")).extracting(m -> m.path("script").asText()).containsExactly("V3__create_challenge.sql");
        assertThat(send("baseline", "typeorm", Map.of()).path("error").path("code").asText()).isEqualTo("HISTORY_MISMATCH");
    }

    @Test
    void adoptionRefusesWhenTheMappingDoesNotCoverWhatTypeOrmApplied() throws SQLException {
        typeOrmDatabase("ferry_test_typeorm_gap", List.of("CreateUser1690000000001", "HotfixByHand1690000000009"), "app_user");

        JsonNode refused = send("baseline", "typeorm-gap", Map.of());

        assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("HISTORY_MISMATCH");
        assertThat(refused.path("error").path("message").asText()).contains("HotfixByHand1690000000009");
        assertThat(tables("ferry_test_typeorm_gap")).doesNotContain("flyway_schema_history");
    }

    @Test
    void anEditedAppliedScriptIsShownRefusedAndRealignedByRepair() throws Exception {
        Path folder = Path.of("target/test-work/drift");
        Files.createDirectories(folder);
        Path script = folder.resolve("V1__create_drift.sql");
        Files.copy(Path.of("src/test/resources/test-targets/drift-source/V1__create_drift.sql"), script,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        send("migrate", "drift", Map.of());
        Files.writeString(script, Files.readString(script) + "-- edited after it was applied\n");
        Files.writeString(folder.resolve("V2__more_drift.sql"), "CREATE TABLE more_drift (id INT PRIMARY KEY);\n");

        JsonNode info = send("info", "drift", Map.of());
        assertThat(info.path("migrations").get(0).path("checksumChanged").asBoolean()).isTrue();
        JsonNode refused = send("migrate", "drift", Map.of());
        assertThat(refused.path("error").path("code").asText()).isEqualTo("HISTORY_MISMATCH");
        assertThat(refused.path("error").path("migration").asText()).isEqualTo("V1__create_drift.sql");

        JsonNode repaired = send("repair", "drift", Map.of("reason", "comment added to V1"));
        assertThat(repaired.path("migrations")).extracting(m -> m.path("state").asText()).contains("ALIGNED");
        assertThat(send("migrate", "drift", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    private JsonNode send(String action, String target, Map<String, Object> extra) {
        String id = action + "-" + target + "-" + UUID.randomUUID();
        kafka.request(id, action, target, new HashMap<>(extra));
        return kafka.awaitResult(id, WAIT);
    }

    private static List<String> historySuccess(String schema, String version) throws SQLException {
        List<String> flags = new ArrayList<>();
        try (Connection c = TestInfrastructure.connect(schema);
                PreparedStatement ps = c.prepareStatement("SELECT success FROM flyway_schema_history WHERE version = ?")) {
            ps.setString(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    flags.add(rs.getString(1));
                }
            }
        }
        return flags;
    }

    private static void typeOrmDatabase(String schema, List<String> appliedNames, String... tables) throws SQLException {
        try (Connection c = TestInfrastructure.connect(""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + schema + "`");
            s.execute("CREATE DATABASE `" + schema + "`");
        }
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement()) {
            // The table TypeORM's MySQL driver creates.
            s.execute("CREATE TABLE `migrations` (`id` int NOT NULL AUTO_INCREMENT, `timestamp` bigint NOT NULL,"
                    + " `name` varchar(255) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB");
            for (String name : appliedNames) {
                s.execute("INSERT INTO `migrations` (`timestamp`, `name`) VALUES (" + name.replaceAll("\\D", "") + ", '" + name + "')");
            }
            for (String table : tables) {
                s.execute("CREATE TABLE " + table + " (id INT NOT NULL PRIMARY KEY)");
            }
        }
    }

    /** Tables, columns and indexes of a schema, Flyway's history excluded, in a stable order. */
    private static List<String> schema(String schema) throws SQLException {
        List<String> rows = new ArrayList<>();
        rows.addAll(rows(schema, "SELECT CONCAT_WS('|', table_name, column_name, ordinal_position, column_type, is_nullable,"
                + " IFNULL(column_default, 'NULL'), extra) FROM information_schema.columns WHERE table_schema = ?"
                + " AND table_name <> 'flyway_schema_history' ORDER BY table_name, ordinal_position"));
        rows.addAll(rows(schema, "SELECT CONCAT_WS('|', table_name, index_name, seq_in_index, column_name, non_unique)"
                + " FROM information_schema.statistics WHERE table_schema = ? AND table_name <> 'flyway_schema_history'"
                + " ORDER BY table_name, index_name, seq_in_index"));
        return rows;
    }

    private static List<String> tables(String schema) throws SQLException {
        return rows(schema, "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name");
    }

    private static List<String> rows(String schema, String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(""); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        }
    }

    private static long count(String schema, String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
