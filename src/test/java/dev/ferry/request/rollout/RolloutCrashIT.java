package dev.ferry.request.rollout;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.EmbeddedServersResource;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;

/**
 * The instance driving a rollout dies (SIGKILL) half-way, with a second instance running: the survivor
 * takes the driving over from the ledger and the rollout ends with every target migrated exactly once,
 * counted in each target's history and in the results (one original result per child request).
 */
class RolloutCrashIT {

    private static final int TARGETS = 8;
    private static final String LEDGER = "ferry_test_rolloutcrash_ledger";
    private static final Path FOLDER = Path.of("target/test-work/rolloutcrash").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void theSurvivorFinishesTheRolloutWithEveryTargetOnce() throws Exception {
        Map<String, String> config = new EmbeddedServersResource().start();
        TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + LEDGER);
        Files.createDirectories(FOLDER);
        Files.writeString(FOLDER.resolve("V1__t.sql"), "CREATE TABLE t (id INT PRIMARY KEY);\nDO SLEEP(1.5);\n");
        for (int i = 1; i <= TARGETS; i++) {
            TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + schema(i));
            TestInfrastructure.addTarget(config, "crash-" + i, schema(i), "filesystem:" + FOLDER);
        }
        config.put("ferry.groups.crashfleet.targets", "crash-*");
        config.put("ferry.db.schema", LEDGER);
        KafkaTestClient kafka = KafkaTestClient.withTopicPrefix("rolloutcrash-");
        config.putAll(kafka.topicConfig());
        config.put("mp.messaging.incoming.migration-requests.group.id", "ferry-rolloutcrash");

        FerryProcess a = FerryProcess.start(FerryProcess.instance(config, "ferry-rolloutcrash-a"), "ferry-rolloutcrash-a");
        FerryProcess b = FerryProcess.start(FerryProcess.instance(config, "ferry-rolloutcrash-b"), "ferry-rolloutcrash-b");
        try {
            String id = "rolloutcrash-" + UUID.randomUUID();
            kafka.request(id, "rollout", "crashfleet", Map.of("toVersion", "1", "options", Map.of("maxParallel", 1)));
            Awaitility.await().atMost(WAIT).until(() -> finishedTargets(id) >= 2);
            String driver = single("SELECT driver FROM ferry_rollout WHERE rollout_id = '" + id + "'");
            FerryProcess driving = driver.endsWith("-a") ? a : b;
            FerryProcess survivor = driving == a ? b : a;
            // Held between targets, so that the kill meets no child half-way through its script (that is HalfAppliedCrashIT's case).
            given().baseUri("http://127.0.0.1:" + survivor.port()).auth().oauth2(TestTokens.operator()).post("/api/rollouts/" + id + "/pause")
                    .then().statusCode(200);
            Awaitility.await().atMost(WAIT).until(() -> single("SELECT COUNT(*) FROM ferry_rollout_target WHERE rollout_id = '" + id
                    + "' AND state = 'SUBMITTED'").equals("0"));
            driving.kill();
            given().baseUri("http://127.0.0.1:" + survivor.port()).auth().oauth2(TestTokens.operator()).post("/api/rollouts/" + id + "/resume")
                    .then().statusCode(200);

            JsonNode result = kafka.awaitResult(id, WAIT);
            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("rollout").path("counts").path("SUCCEEDED").asInt()).isEqualTo(TARGETS);
            assertThat(single("SELECT driver FROM ferry_rollout WHERE rollout_id = '" + id + "'")).isNotEqualTo(driver);
            for (int i = 1; i <= TARGETS; i++) {
                String child = id + ":crash-" + i;
                assertThat(kafka.results(child).stream().filter(r -> !r.path("duplicate").asBoolean())).as(child).hasSize(1);
                try (Connection c = TestInfrastructure.connect(schema(i)); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("history rows of version 1 on %s", schema(i)).isEqualTo(1);
                }
            }
        } finally {
            a.stop();
            b.stop();
        }
    }

    private static long finishedTargets(String id) throws SQLException {
        String n = single("SELECT COUNT(*) FROM ferry_rollout_target WHERE rollout_id = '" + id + "' AND state IN ('SUCCEEDED', 'SKIPPED')");
        return n == null ? 0 : Long.parseLong(n);
    }

    private static String schema(int i) {
        return "ferry_test_rolloutcrash_" + i;
    }


    private static String single(String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(LEDGER); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) {
                return null;
            }
            throw e;
        }
    }
}
