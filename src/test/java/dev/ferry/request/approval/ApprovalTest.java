package dev.ferry.request.approval;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

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

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;

/**
 * Requests that wait for a second person: parked with their plan (event, alert, ledger), decided by an
 * approver who is not the requester, over REST or Kafka, void when the plan changed, denied, expired,
 * while the partition keeps serving the target's other requests.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class ApprovalTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String GUARDED = "ferry_test_guarded";
    private static final Path GUARDED_SCRIPTS = Path.of("target/test-work/guarded");
    private static final String EXPIRING = "ferry_test_expiring";
    private static final Path EXPIRING_SCRIPTS = Path.of("target/test-work/expiring");

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @BeforeEach
    void freshTargets() throws Exception {
        TestInfrastructure.freshTarget(GUARDED, GUARDED_SCRIPTS);
        Files.writeString(GUARDED_SCRIPTS.resolve("V1__t.sql"), "CREATE TABLE t (id INT PRIMARY KEY);\n");
    }

    @Test
    void aChangeWaitsWithItsPlanAndRunsOnceAnotherPersonApprovesIt() throws Exception {
        String id = parkedMigrate();
        JsonNode event = kafka.approvals(id).get(0);
        assertThat(event.path("reasons").get(0).asText()).startsWith("change");
        assertThat(event.path("requestedBy").asText()).isEqualTo("test-operator");
        assertThat(event.path("plan").get(0).path("script").asText()).isEqualTo("V1__t.sql");
        assertThat(event.path("plan").get(0).path("sql").asText()).contains("CREATE TABLE t");
        assertThat(kafka.awaitAlerts(id, 1, WAIT).get(0).path("kind").asText()).isEqualTo("approval-required");
        given().auth().oauth2(TestTokens.viewer()).get("/api/requests/" + id).then().statusCode(200)
                .body("status", equalTo("AWAITING_APPROVAL")).body("approval.plan[0].script", equalTo("V1__t.sql"));
        given().auth().oauth2(TestTokens.viewer()).queryParam("status", "AWAITING_APPROVAL").get("/api/requests").then().statusCode(200)
                .body("items.requestId", hasItem(id));
        // Waiting means nothing runs and no result comes.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> kafka.results(id).isEmpty());
        assertThat(tables(GUARDED)).doesNotContain("t");

        decide(TestTokens.approver(), id, "approve", "plan reviewed").statusCode(200);

        JsonNode result = kafka.awaitResult(id, WAIT);
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("approval").path("decision").asText()).isEqualTo("APPROVED");
        assertThat(result.path("approval").path("decidedBy").asText()).isEqualTo("test-approver");
        assertThat(result.path("approval").path("note").asText()).isEqualTo("plan reviewed");
        assertThat(tables(GUARDED)).contains("t");
        assertThat(appliedVersions(GUARDED)).containsExactly("1");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> kafka.results(id).size() == 1);
    }

    @Test
    void theRequesterCannotApproveTheirOwnRequest() throws Exception {
        String id = parkedMigrate();
        String sameAsRequester = TestTokens.withRoles("test-operator", List.of("operator", "approver"), Duration.ofHours(1));

        decide(sameAsRequester, id, "approve", "looks fine to me").statusCode(403).body("code", equalTo("FORBIDDEN"))
                .body("detail", containsString("four eyes"));
        decide(TestTokens.operator(), id, "approve", "an operator is no approver").statusCode(403);

        given().auth().oauth2(TestTokens.viewer()).get("/api/requests/" + id).then().body("status", equalTo("AWAITING_APPROVAL"));
        decide(TestTokens.approver(), id, "deny", "clean up").statusCode(200);
    }

    @Test
    void anApprovalIsVoidWhenTheScriptChangedSinceAndTheRequestWaitsAgain() throws Exception {
        String id = parkedMigrate();
        Files.writeString(GUARDED_SCRIPTS.resolve("V1__t.sql"), "CREATE TABLE t (id INT PRIMARY KEY, v INT);\n");

        decide(TestTokens.approver(), id, "approve", "approved the first plan").statusCode(200);

        JsonNode again = kafka.awaitApprovals(id, 2, WAIT).get(1);
        assertThat(again.path("voided").get(0).asText()).contains("test-approver").contains("V1__t.sql changed");
        assertThat(again.path("plan").get(0).path("sql").asText()).contains("v INT");
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.viewer()).get("/api/requests/" + id).then()
                .body("status", equalTo("AWAITING_APPROVAL")));
        assertThat(kafka.results(id)).isEmpty();
        assertThat(tables(GUARDED)).doesNotContain("t");

        decide(TestTokens.approver(), id, "approve", "approved the new plan").statusCode(200);
        JsonNode result = kafka.awaitResult(id, WAIT);
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("approval").path("voided")).hasSize(1);
        assertThat(columns(GUARDED, "t")).containsExactly("id", "v");
    }

    @Test
    void aDeniedRequestEndsRejectedWithWhoDeniedItAndWhy() throws Exception {
        String id = parkedMigrate();

        decide(TestTokens.approver(), id, "deny", "").statusCode(400).body("code", equalTo("INVALID_REQUEST"));
        decide(TestTokens.approver(), id, "deny", "not during the sale").statusCode(200);

        JsonNode result = kafka.awaitResult(id, WAIT);
        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("DENIED");
        assertThat(result.path("error").path("message").asText()).contains("test-approver").contains("not during the sale");
        assertThat(result.path("approval").path("decision").asText()).isEqualTo("DENIED");
        assertThat(tables(GUARDED)).doesNotContain("t");
        decide(TestTokens.approver(), id, "approve", "too late").statusCode(409).body("code", equalTo("NOT_AWAITING_APPROVAL"));
    }

    @Test
    void aBlockingFindingWaitsInsteadOfNeedingForceAndNobodyDecidingEndsIt() throws Exception {
        TestInfrastructure.freshTarget(EXPIRING, EXPIRING_SCRIPTS);
        Files.writeString(EXPIRING_SCRIPTS.resolve("V1__t.sql"), "CREATE TABLE t (id INT PRIMARY KEY);\nINSERT INTO t VALUES (1);\n");
        // The policy waits only for force or blocking findings: this change runs at once.
        assertThat(send("migrate", "expiring", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");

        Files.writeString(EXPIRING_SCRIPTS.resolve("V2__drop.sql"), "DROP TABLE t;\n");
        String id = "migrate-expiring-" + UUID.randomUUID();
        kafka.request(id, "migrate", "expiring", Map.of());
        assertThat(kafka.awaitApprovals(id, 1, WAIT).get(0).path("reasons").get(0).asText()).isEqualTo("blocking-lint: drop-table");

        JsonNode result = kafka.awaitResult(id, WAIT);
        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("APPROVAL_EXPIRED");
        assertThat(result.path("approval").path("decision").asText()).isEqualTo("EXPIRED");
        assertThat(tables(EXPIRING)).contains("t");
    }

    @Test
    void thePartitionKeepsServingTheTargetWhileARequestWaits() throws Exception {
        parkedMigrate();
        // The same key, so the same partition: these are answered while the migrate waits.
        assertThat(send("info", "guarded", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode dryRun = send("migrate", "guarded", Map.of("dryRun", true));
        assertThat(dryRun.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(dryRun.path("plan").get(0).path("script").asText()).isEqualTo("V1__t.sql");
    }

    @Test
    void anApproverCanDecideOverKafkaWithTheirOwnToken() throws Exception {
        String id = parkedMigrate();

        String refused = "approve-" + UUID.randomUUID();
        kafka.request(refused, "approve", "guarded", Map.of("options", Map.of("request", id)));
        JsonNode notAnApprover = kafka.awaitResult(refused, WAIT);
        assertThat(notAnApprover.path("error").path("code").asText()).isEqualTo("UNAUTHENTICATED");

        String approval = "approve-" + UUID.randomUUID();
        kafka.requestAs(TestTokens.approver(), approval, "approve", "guarded", Map.of("options", Map.of("request", id), "reason", "ok"));
        assertThat(kafka.awaitResult(approval, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");

        JsonNode result = kafka.awaitResult(id, WAIT);
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("approval").path("decidedBy").asText()).isEqualTo("test-approver");
    }

    /** A migrate of the guarded target, waiting for approval. */
    private String parkedMigrate() {
        String id = "migrate-guarded-" + UUID.randomUUID();
        kafka.request(id, "migrate", "guarded", Map.of());
        kafka.awaitApprovals(id, 1, WAIT);
        return id;
    }

    private io.restassured.response.ValidatableResponse decide(String token, String id, String decision, String reason) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("reason", reason))
                .post("/api/requests/" + id + "/" + decision).then();
    }

    private JsonNode send(String action, String target, Map<String, Object> extra) {
        String id = action + "-" + target + "-" + UUID.randomUUID();
        kafka.request(id, action, target, new java.util.HashMap<>(extra));
        return kafka.awaitResult(id, WAIT);
    }

    private static List<String> tables(String schema) throws SQLException {
        return strings(schema, "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'");
    }

    private static List<String> columns(String schema, String table) throws SQLException {
        return strings(schema, "SELECT column_name FROM information_schema.columns WHERE table_schema = '" + schema + "' AND table_name = '"
                + table + "' ORDER BY ordinal_position");
    }

    private static List<String> appliedVersions(String schema) throws SQLException {
        return strings(schema, "SELECT version FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL ORDER BY installed_rank");
    }

    private static List<String> strings(String schema, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
