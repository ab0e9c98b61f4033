package dev.ferry.request.approval;

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

import io.restassured.http.ContentType;

import dev.ferry.support.EmbeddedServersResource;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;

/**
 * A parked request outlives the instance that parked it: two Ferry processes share the consumer group;
 * the one that parked the request is killed with SIGKILL, its partitions move to the other, the record
 * comes again, and the request still waits, once. Approved on the survivor, it runs exactly once, and
 * the killed instance, started again, runs nothing of it.
 */
class ApprovalCrashIT {

    private static final String SCHEMA = "ferry_test_approvalcrash";
    private static final String LEDGER = "ferry_test_approvalcrash_ledger";
    private static final Path FOLDER = Path.of("target/test-work/approvalcrash").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aParkedRequestSurvivesTheKillOfItsInstanceAndRunsOnceWhenApproved() throws Exception {
        Map<String, String> config = new EmbeddedServersResource().start();
        TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + SCHEMA);
        TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + LEDGER);
        Files.createDirectories(FOLDER);
        Files.writeString(FOLDER.resolve("V1__t.sql"), "CREATE TABLE t (id INT PRIMARY KEY);\nINSERT INTO t VALUES (1);\n");
        TestInfrastructure.addTarget(config, "approvalcrash", SCHEMA, "filesystem:" + FOLDER);
        config.put("ferry.targets.approvalcrash.approval.required-for", "change");
        config.put("ferry.approval.sweep-every", "1s");
        config.put("ferry.db.schema", LEDGER);
        KafkaTestClient kafka = KafkaTestClient.withTopicPrefix("approvalcrash-");
        config.putAll(kafka.topicConfig());
        config.put("mp.messaging.incoming.migration-requests.group.id", "ferry-approvalcrash");

        FerryProcess a = FerryProcess.start(FerryProcess.instance(config, "ferry-approvalcrash-a"), "ferry-approvalcrash-a");
        FerryProcess b = FerryProcess.start(FerryProcess.instance(config, "ferry-approvalcrash-b"), "ferry-approvalcrash-b");
        FerryProcess restarted = null;
        try {
            String id = "approvalcrash-migrate-" + UUID.randomUUID();
            kafka.request(id, "migrate", "approvalcrash", Map.of());
            kafka.awaitApprovals(id, 1, WAIT);
            String parker = single(LEDGER, "SELECT instance FROM ferry_request WHERE request_id = '" + id + "'");
            FerryProcess owner = parker.endsWith("-a") ? a : b;
            FerryProcess survivor = owner == a ? b : a;

            owner.kill();
            // The same record again (a client retrying), now on the survivor after the rebalance: still one waiting request.
            kafka.request(id, "migrate", "approvalcrash", Map.of());
            Awaitility.await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() -> kafka.results(id).isEmpty()
                    && kafka.approvals(id).size() == 1);
            assertThat(single(LEDGER, "SELECT status FROM ferry_request WHERE request_id = '" + id + "'")).isEqualTo("AWAITING_APPROVAL");
            // The survivor serves the target's partition meanwhile.
            String info = "approvalcrash-info-" + UUID.randomUUID();
            kafka.request(info, "info", "approvalcrash", Map.of());
            assertThat(kafka.awaitResult(info, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");

            given().baseUri("http://127.0.0.1:" + survivor.port()).auth().oauth2(TestTokens.approver()).contentType(ContentType.JSON)
                    .body(Map.of("reason", "approved after the crash")).post("/api/requests/" + id + "/approve").then().statusCode(200);
            JsonNode result = kafka.awaitResult(id, WAIT);
            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");

            restarted = FerryProcess.start(FerryProcess.instance(config, parker), parker + "-again");
            Awaitility.await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).until(() -> kafka.results(id).size() == 1);
            assertThat(single(SCHEMA, "SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1' AND success = 1")).isEqualTo("1");
            assertThat(single(SCHEMA, "SELECT COUNT(*) FROM t")).isEqualTo("1");
        } finally {
            for (FerryProcess p : new FerryProcess[] {a, b, restarted}) {
                if (p != null) {
                    p.stop();
                }
            }
        }
    }


    private static String single(String schema, String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
