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
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void theSurvivorFinishesTheRolloutWithEveryTargetOnce() throws Exception {
        Fleet fleet = Fleet.start("rolloutcrash", TARGETS, "CREATE TABLE t (id INT PRIMARY KEY);\nDO SLEEP(1.5);\n");
        KafkaTestClient kafka = fleet.kafka();
        FerryProcess a = fleet.a();
        FerryProcess b = fleet.b();
        try {
            String id = "rolloutcrash-" + UUID.randomUUID();
            kafka.request(id, "rollout", fleet.group(), Map.of("toVersion", "1", "options", Map.of("maxParallel", 1)));
            Awaitility.await().atMost(WAIT).until(() -> finishedTargets(fleet, id) >= 2);
            String driver = fleet.single("SELECT driver FROM ferry_rollout WHERE rollout_id = '" + id + "'");
            FerryProcess driving = driver.endsWith("-a") ? a : b;
            FerryProcess survivor = driving == a ? b : a;
            // Held between targets, so that the kill meets no child half-way through its script (that is HalfAppliedCrashIT's case).
            given().baseUri("http://127.0.0.1:" + survivor.port()).auth().oauth2(TestTokens.operator()).post("/api/rollouts/" + id + "/pause")
                    .then().statusCode(200);
            Awaitility.await().atMost(WAIT).until(() -> fleet.single("SELECT COUNT(*) FROM ferry_rollout_target WHERE rollout_id = '" + id
                    + "' AND state = 'SUBMITTED'").equals("0"));
            driving.kill();
            given().baseUri("http://127.0.0.1:" + survivor.port()).auth().oauth2(TestTokens.operator()).post("/api/rollouts/" + id + "/resume")
                    .then().statusCode(200);

            JsonNode result = kafka.awaitResult(id, WAIT);
            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("rollout").path("counts").path("SUCCEEDED").asInt()).isEqualTo(TARGETS);
            assertThat(fleet.single("SELECT driver FROM ferry_rollout WHERE rollout_id = '" + id + "'")).isNotEqualTo(driver);
            for (int i = 1; i <= TARGETS; i++) {
                String child = id + ":" + fleet.target(i);
                assertThat(kafka.results(child).stream().filter(r -> !r.path("duplicate").asBoolean())).as(child).hasSize(1);
                assertThat(historyRows(fleet.schema(i))).as("history rows of version 1 on %s", fleet.schema(i)).isEqualTo(1);
            }
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * The instance running a child dies half-way through the child's script (SIGKILL between its two
     * statements). The survivor takes the child over and reports it honestly (INTERRUPTED: one statement
     * ran), the rollout goes on within its failure budget and names that target; the next rollout skips
     * the finished targets and finishes the script on that one, without running its first statement again.
     */
    @Test
    void aKillInsideAChildsScriptIsReportedAndTheNextRolloutFinishesIt() throws Exception {
        int targets = 4;
        Fleet fleet = Fleet.start("rolloutmid", targets,
                "CREATE TABLE t1 (id INT PRIMARY KEY);\nDO SLEEP(4);\nCREATE TABLE t2 (id INT PRIMARY KEY);\n");
        KafkaTestClient kafka = fleet.kafka();
        FerryProcess a = fleet.a();
        FerryProcess b = fleet.b();
        try {
            String id = "rolloutmid-" + UUID.randomUUID();
            kafka.request(id, "rollout", fleet.group(), Map.of("toVersion", "1", "options", Map.of("maxParallel", 1, "failureBudget", 1)));
            // Past the canary: the second target's child, once its first statement has run.
            String[] running = new String[2];
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                String child = fleet.single("SELECT request_id FROM ferry_request WHERE request_id LIKE '" + id + ":%' AND status = 'RUNNING'"
                        + " AND request_id <> (SELECT request_id FROM ferry_request WHERE request_id LIKE '" + id + ":%'"
                        + " ORDER BY received_at LIMIT 1)");
                if (child == null || !TestInfrastructure.tableExists(fleet.schemaOf(child), "t1")) {
                    return false;
                }
                running[0] = child;
                running[1] = fleet.single("SELECT instance FROM ferry_request WHERE request_id = '" + child + "'");
                return true;
            });
            FerryProcess owner = running[1].endsWith("-a") ? a : b;
            owner.kill();

            JsonNode result = kafka.awaitResult(id, WAIT);
            assertThat(result.path("error").path("code").asText()).as(result.toString()).isEqualTo("ROLLOUT_TARGETS_FAILED");
            assertThat(result.path("rollout").path("counts").path("SUCCEEDED").asInt()).isEqualTo(targets - 1);
            JsonNode interrupted = kafka.results(running[0]).stream().filter(r -> !r.path("duplicate").asBoolean()).findFirst().orElseThrow();
            assertThat(interrupted.path("error").path("code").asText()).isEqualTo("INTERRUPTED");
            String schema = fleet.schemaOf(running[0]);
            assertThat(TestInfrastructure.tableExists(schema, "t2")).as("the statement after the kill did not run").isFalse();

            String again = "rolloutmid-again-" + UUID.randomUUID();
            kafka.request(again, "rollout", fleet.group(), Map.of("toVersion", "1", "options", Map.of("maxParallel", 2)));
            JsonNode second = kafka.awaitResult(again, WAIT);
            assertThat(second.path("status").asText()).as(second.toString()).isEqualTo("SUCCEEDED");
            assertThat(second.path("rollout").path("counts").path("SKIPPED").asInt()).isEqualTo(targets - 1);
            assertThat(second.path("rollout").path("counts").path("SUCCEEDED").asInt()).isEqualTo(1);
            for (int i = 1; i <= targets; i++) {
                assertThat(TestInfrastructure.tableExists(fleet.schema(i), "t2")).as("t2 on %s", fleet.schema(i)).isTrue();
                assertThat(historyRows(fleet.schema(i))).as("history rows of version 1 on %s", fleet.schema(i)).isEqualTo(1);
            }
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * Two Ferry processes over {@code targets} targets {@code <name>-<n>} (schemas {@code ferry_test_<name>_<n>}, all
     * with {@code script} as V1), the group {@code <name>fleet}, a ledger and topics of their own.
     */
    private record Fleet(String name, KafkaTestClient kafka, FerryProcess a, FerryProcess b) {

        static Fleet start(String name, int targets, String script) throws Exception {
            Map<String, String> config = new EmbeddedServersResource().start();
            TestInfrastructure.execute("", "DROP DATABASE IF EXISTS ferry_test_" + name + "_ledger");
            Path folder = Path.of("target/test-work/" + name).toAbsolutePath();
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("V1__change.sql"), script);
            Fleet fleet = new Fleet(name, KafkaTestClient.withTopicPrefix(name + "-"), null, null);
            for (int i = 1; i <= targets; i++) {
                TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + fleet.schema(i));
                TestInfrastructure.addTarget(config, fleet.target(i), fleet.schema(i), "filesystem:" + folder);
            }
            config.put("ferry.groups." + fleet.group() + ".targets", name + "-*");
            config.put("ferry.db.schema", "ferry_test_" + name + "_ledger");
            config.putAll(fleet.kafka().topicConfig());
            config.put("mp.messaging.incoming.migration-requests.group.id", "ferry-" + name);
            FerryProcess a = FerryProcess.start(FerryProcess.instance(config, "ferry-" + name + "-a"), "ferry-" + name + "-a");
            FerryProcess b = FerryProcess.start(FerryProcess.instance(config, "ferry-" + name + "-b"), "ferry-" + name + "-b");
            return new Fleet(name, fleet.kafka(), a, b);
        }

        String group() {
            return name + "fleet";
        }

        String target(int i) {
            return name + "-" + i;
        }

        String schema(int i) {
            return "ferry_test_" + name + "_" + i;
        }

        /** The schema of a child request {@code <rollout>:<name>-<n>}. */
        String schemaOf(String child) {
            return schema(Integer.parseInt(child.substring(child.lastIndexOf('-') + 1)));
        }

        /** One value from the fleet's ledger; null before the ledger's tables exist. */
        String single(String sql) throws SQLException {
            try (Connection c = TestInfrastructure.connect("ferry_test_" + name + "_ledger"); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) {
                    return null;
                }
                throw e;
            }
        }
    }

    private static long finishedTargets(Fleet fleet, String id) throws SQLException {
        String n = fleet.single("SELECT COUNT(*) FROM ferry_rollout_target WHERE rollout_id = '" + id + "' AND state IN ('SUCCEEDED', 'SKIPPED')");
        return n == null ? 0 : Long.parseLong(n);
    }

    private static int historyRows(String schema) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1' AND success = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
