package dev.ferry.request.rollout;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;

/**
 * A change rolled over twenty targets: a failed canary leaves the other nineteen untouched, a failure
 * budget of 2 halts at the third failure, pause, resume and abort hold, and a target already at the
 * version is skipped. Each target's change is its own child request with its own result.
 */
@QuarkusTest
@TestProfile(FleetProfile.class)
@Tag(Tags.QUARKUS)
class RolloutTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Path SCRIPTS = Path.of("target/test-work/fleet");

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @BeforeEach
    void freshFleet() throws Exception {
        TestInfrastructure.freshTarget(FleetProfile.schema(1), SCRIPTS);
        for (int i = 2; i <= FleetProfile.TARGETS; i++) {
            TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + FleetProfile.schema(i));
            TestInfrastructure.execute("", "CREATE DATABASE " + FleetProfile.schema(i));
        }
        Files.writeString(SCRIPTS.resolve("V1__t.sql"), "CREATE TABLE t (id INT PRIMARY KEY);\n");
    }

    @Test
    void groupsListTheirTargets() {
        given().auth().oauth2(TestTokens.viewer()).get("/api/groups").then().statusCode(200).body("name", hasItem("fleet"))
                .body("find { it.name == 'fleet' }.targets.size()", equalTo(20));
    }

    @Test
    void aFailedCanaryLeavesTheOtherNineteenUntouched() throws Exception {
        blockTheScriptOn(1);

        JsonNode result = rollout(Map.of());

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("ROLLOUT_HALTED");
        assertThat(failed(result)).isEqualTo(1);
        assertThat(result.path("rollout").path("counts").path("PENDING").asLong()).isEqualTo(19);
        for (int i = 2; i <= FleetProfile.TARGETS; i++) {
            assertThat(tables(FleetProfile.schema(i))).as("target %d", i).isEmpty();
        }
        assertThat(kafka.alerts(result.path("requestId").asText())).extracting(a -> a.path("kind").asText()).contains("rollout-halted");
    }

    @Test
    void aFailureBudgetOfTwoHaltsAtTheThirdFailure() throws Exception {
        for (int failing : new int[] {5, 10, 15, 16}) {
            blockTheScriptOn(failing);
        }

        JsonNode result = rollout(Map.of("failureBudget", 2, "maxParallel", 1));

        assertThat(result.path("error").path("code").asText()).isEqualTo("ROLLOUT_HALTED");
        JsonNode counts = result.path("rollout").path("counts");
        assertThat(failed(result)).isEqualTo(3);
        assertThat(counts.path("SUCCEEDED").asLong()).isEqualTo(12);
        assertThat(counts.path("PENDING").asLong()).isEqualTo(5);
        assertThat(appliedOnce(16)).isFalse();
        // Every started target has exactly one result of its own.
        for (JsonNode t : result.path("rollout").path("targets")) {
            if (!t.path("state").asText().equals("PENDING")) {
                assertThat(kafka.results(t.path("request").asText())).as(t.path("target").asText()).hasSize(1);
            }
        }
    }

    @Test
    void everyTargetChangesOnceAndASecondRolloutSkipsThemAll() throws Exception {
        JsonNode first = rollout(Map.of("maxParallel", 4));
        assertThat(first.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(first.path("rollout").path("counts").path("SUCCEEDED").asLong()).isEqualTo(20);
        for (int i = 1; i <= FleetProfile.TARGETS; i++) {
            assertThat(appliedOnce(i)).as("target %d", i).isTrue();
        }
        JsonNode second = rollout(Map.of("maxParallel", 8));
        assertThat(second.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(second.path("rollout").path("counts").path("SKIPPED").asLong()).isEqualTo(20);
        // Targets that are not changing hold no connections (ferry.targets.<name>.pool-idle-timeout 0s: no pool):
        // a fleet on one server never holds max_connections worth of idle ones, not even for a while after a change.
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(100))
                .until(RolloutTest::connectionsToTheFleet, open -> open == 0);
    }

    private static long connectionsToTheFleet() throws SQLException {
        try (Connection c = TestInfrastructure.connect(""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM information_schema.processlist WHERE db LIKE 'ferry\\_test\\_fleet\\_%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void pauseHoldsResumeGoesOnAndAbortLeavesTheRestUntouched() throws Exception {
        Files.writeString(SCRIPTS.resolve("V1__t.sql"), "CREATE TABLE t (id INT PRIMARY KEY);\nDO SLEEP(0.3);\n");
        String id = "rollout-" + UUID.randomUUID();
        kafka.request(id, "rollout", "fleet", Map.of("toVersion", "1", "options", Map.of("maxParallel", 1, "canary", 1)));
        await().atMost(WAIT).until(() -> given().auth().oauth2(TestTokens.viewer()).get("/api/rollouts/" + id).statusCode() == 200);

        given().auth().oauth2(TestTokens.operator()).post("/api/rollouts/" + id + "/pause").then().statusCode(200)
                .body("state", equalTo("PAUSED"));
        given().auth().oauth2(TestTokens.operator()).post("/api/rollouts/" + id + "/pause").then().statusCode(409)
                .body("code", equalTo("ROLLOUT_STATE_CONFLICT"));
        await().atMost(WAIT).until(() -> started(id) == finished(id));
        long held = started(id);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> started(id) == held);

        given().auth().oauth2(TestTokens.operator()).post("/api/rollouts/" + id + "/resume").then().statusCode(200);
        await().atMost(WAIT).until(() -> started(id) >= held + 2);
        given().auth().oauth2(TestTokens.viewer()).post("/api/rollouts/" + id + "/abort").then().statusCode(403);
        given().auth().oauth2(TestTokens.operator()).post("/api/rollouts/" + id + "/abort").then().statusCode(200);

        JsonNode result = kafka.awaitResult(id, WAIT);
        assertThat(result.path("error").path("code").asText()).isEqualTo("ROLLOUT_ABORTED");
        long untouched = result.path("rollout").path("counts").path("PENDING").asLong();
        assertThat(untouched).isPositive();
        long applied = 0;
        for (int i = 1; i <= FleetProfile.TARGETS; i++) {
            applied += appliedOnce(i) ? 1 : 0;
        }
        assertThat(applied).isEqualTo(FleetProfile.TARGETS - untouched);
    }

    /** Targets whose change failed or was refused. */
    private static long failed(JsonNode result) {
        JsonNode counts = result.path("rollout").path("counts");
        return counts.path("FAILED").asLong() + counts.path("REJECTED").asLong();
    }

    /** V1 fails on this target: the table it creates is there already. */
    private static void blockTheScriptOn(int target) throws SQLException {
        TestInfrastructure.execute(FleetProfile.schema(target), "CREATE TABLE t (id INT PRIMARY KEY)");
    }

    private JsonNode rollout(Map<String, Object> options) {
        String id = "rollout-" + UUID.randomUUID();
        kafka.request(id, "rollout", "fleet", Map.of("toVersion", "1", "options", options));
        return kafka.awaitResult(id, WAIT);
    }

    private static long started(String id) {
        JsonNode counts = counts(id);
        return 20 - counts.path("PENDING").asLong();
    }

    private static long finished(String id) {
        JsonNode counts = counts(id);
        return 20 - counts.path("PENDING").asLong() - counts.path("SUBMITTED").asLong();
    }

    private static JsonNode counts(String id) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(given().auth().oauth2(TestTokens.viewer())
                    .get("/api/rollouts/" + id).asString()).path("counts");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean appliedOnce(int target) throws SQLException {
        List<String> tables = tables(FleetProfile.schema(target));
        if (!tables.contains("flyway_schema_history")) {
            return false;
        }
        try (Connection c = TestInfrastructure.connect(FleetProfile.schema(target)); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1' AND success = 1")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    private static List<String> tables(String schema) throws SQLException {
        List<String> tables = new java.util.ArrayList<>();
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}
