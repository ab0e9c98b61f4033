package dev.ferry.backfill;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.KratosStub;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The user-authId backfill against a real HTTP stub of the Kratos admin API and the real MariaDB.
 * Each test works on its own users of the seeded example data (options.userIds).
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class UserAuthIdBackfillTest {

    private static final String SCHEMA = "ferry_test_kratos";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final WireMockServer kratos = KratosStub.instance().server();

    @BeforeAll
    static void migrateTheTarget() {
        String id = "kratos-migrate-" + UUID.randomUUID();
        KafkaTestClient.get().request(id, "migrate", "kratos", Map.of());
        assertThat(KafkaTestClient.get().awaitResult(id, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void everyOutcomeIsLinkedOrAuditedWithItsReason() throws Exception {
        String linkedElsewhere = identity("elsewhere");
        update("UPDATE `user` SET authId = '" + linkedElsewhere + "' WHERE id = '" + userId(200) + "'");
        identities(1, identity("one"));
        // user 2: no stub, the default answers []
        identities(3, identity("three-a"), identity("three-b"));
        kratos.stubFor(lookup(4).willReturn(aResponse().withStatus(500)
                .withBody("{\"error\":{\"code\":500,\"status\":\"Internal Server Error\",\"message\":\"database down\"}}")));
        kratos.stubFor(lookup(5).willReturn(aResponse().withStatus(200).withBody("[{\"id\": ")));
        identities(6, linkedElsewhere);

        JsonNode result = backfill(ids(1, 6), Map.of());

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode report = result.path("backfill");
        assertThat(report.path("total").asLong()).isEqualTo(6);
        assertThat(report.path("linked").asLong()).isEqualTo(1);
        assertThat(report.path("failedByReason").path("missing").asLong()).isEqualTo(1);
        assertThat(report.path("failedByReason").path("duplicate").asLong()).isEqualTo(2);
        assertThat(report.path("failedByReason").path("error").asLong()).isEqualTo(2);
        assertThat(authId(1)).isEqualTo(identity("one"));
        assertThat(authId(6)).isNull();
        Map<String, String> audit = auditByUser(result.path("requestId").asText());
        assertThat(audit).containsEntry(userId(1), "success|null|1").containsEntry(userId(2), "failed|missing|1")
                .containsEntry(userId(3), "failed|duplicate|1").containsEntry(userId(4), "failed|error|4")
                .containsEntry(userId(5), "failed|error|4").containsEntry(userId(6), "failed|duplicate|1");
        assertThat(kafka.awaitAlerts(result.path("requestId").asText(), 1, WAIT).get(0).path("kind").asText())
                .isEqualTo("backfill-unresolved");

        List<String> documented = new ArrayList<>();
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT user_id, email, kratos_error, resolution_status, attempted_at "
                        + "FROM user_authid_backfill_audit WHERE resolution_status != 'success' ORDER BY attempted_at DESC;")) {
            while (rs.next()) {
                documented.add(rs.getString("user_id") + " " + rs.getString("kratos_error"));
            }
        }
        assertThat(documented).anyMatch(row -> row.startsWith(userId(4)) && row.contains("database down"))
                .anyMatch(row -> row.startsWith(userId(6)) && row.contains("already linked"))
                .noneMatch(row -> row.startsWith(userId(1)));
    }

    @Test
    void rateLimitingAndServerErrorsAreRetriedUntilTheyRecover() throws Exception {
        kratos.stubFor(lookup(7).inScenario("429").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        kratos.stubFor(lookup(7).inScenario("429").whenScenarioStateIs("ok").willReturn(okJson(identity("seven"))));
        kratos.stubFor(lookup(8).inScenario("503").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
                .willReturn(aResponse().withStatus(503)));
        kratos.stubFor(lookup(8).inScenario("503").whenScenarioStateIs("ok").willReturn(okJson(identity("eight"))));

        long started = System.nanoTime();
        JsonNode result = backfill(ids(7, 8), Map.of());

        assertThat(result.path("backfill").path("linked").asLong()).isEqualTo(2);
        assertThat(authId(7)).isEqualTo(identity("seven"));
        assertThat(auditByUser(result.path("requestId").asText())).containsEntry(userId(7), "success|null|2")
                .containsEntry(userId(8), "success|null|2");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1)); // Retry-After honoured
    }

    @Test
    void aLookupThatTimesOutIsRetriedThenRecordedAsAnError() throws Exception {
        kratos.stubFor(lookup(9).willReturn(okJson(identity("nine")).withFixedDelay(2_500)));

        JsonNode result = backfill(ids(9, 9), Map.of());

        assertThat(auditByUser(result.path("requestId").asText())).containsEntry(userId(9), "failed|error|4");
        assertThat(kratosError(result.path("requestId").asText(), 9)).contains("did not answer in time");
        assertThat(authId(9)).isNull();
    }

    @Test
    void concurrencyAgainstKratosStaysWithinTheBound() throws Exception {
        IntStream.rangeClosed(21, 120).forEach(n -> kratos.stubFor(lookup(n).willReturn(okJson(identity("c" + n)).withFixedDelay(40))));
        KratosStub.instance().resetMaxInFlight();

        JsonNode result = backfill(ids(21, 120), Map.of("concurrency", 5, "batchSize", 30));

        assertThat(result.path("backfill").path("linked").asLong()).isEqualTo(100);
        assertThat(KratosStub.instance().maxInFlight()).isBetween(2, 5);
        assertThat(count("SELECT COUNT(*) FROM user_authid_backfill_audit WHERE run_id = '" + result.path("requestId").asText() + "'"))
                .isEqualTo(100);
    }

    @Test
    void parallelWritersNeverLinkOneIdentityTwice() throws Exception {
        // Forty users answer the same identity, one user per batch: the batches race in parallel writers.
        IntStream.rangeClosed(121, 160).forEach(n -> identities(n, identity("shared")));

        JsonNode result = backfill(ids(121, 160), Map.of("concurrency", 8, "batchSize", 1));

        assertThat(result.path("backfill").path("total").asLong()).isEqualTo(40);
        assertThat(result.path("backfill").path("linked").asLong()).isEqualTo(1);
        assertThat(result.path("backfill").path("failedByReason").path("duplicate").asLong()).isEqualTo(39);
        assertThat(count("SELECT COUNT(*) FROM `user` WHERE authId = '" + identity("shared") + "'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM user_authid_backfill_audit WHERE run_id = '" + result.path("requestId").asText() + "'"))
                .isEqualTo(40);
    }

    @Test
    void emailsWithPlusQuotesAndUnicodeAreEncodedCorrectly() throws Exception {
        String[] emails = { "o'brien+ops@example.org", "zoë.ünïcode@exämple.org", "a\"quoted\"@example.org" };
        List<String> userIds = new ArrayList<>();
        for (int i = 0; i < emails.length; i++) {
            String id = "00000000-0000-4000-9000-00000000000" + i;
            userIds.add(id);
            try (Connection c = TestInfrastructure.connect(SCHEMA); PreparedStatement ps = c.prepareStatement(
                    "INSERT IGNORE INTO `user` (id, nameID, email, firstName, lastName, accountUpn) VALUES (?, ?, ?, 'Odd', 'Email', ?)")) {
                ps.setString(1, id);
                ps.setString(2, "odd-" + i);
                ps.setString(3, emails[i]);
                ps.setString(4, emails[i]);
                ps.executeUpdate();
            }
            kratos.stubFor(get(urlPathEqualTo("/admin/identities")).withQueryParam("credentials_identifier", equalTo(emails[i]))
                    .willReturn(okJson(identity("odd" + i))));
        }

        JsonNode result = backfill(userIds, Map.of());

        assertThat(result.path("backfill").path("linked").asLong()).isEqualTo(3);
    }

    @Test
    void anUnreachableKratosStopsTheRunClearlyAndKeepsTheAuditRows() throws Exception {
        kratos.stop();
        try {
            JsonNode result = backfill(ids(150, 159), Map.of("concurrency", 2));

            assertThat(result.path("status").asText()).isEqualTo("FAILED");
            assertThat(result.path("error").path("code").asText()).isEqualTo("KRATOS_UNAVAILABLE");
            assertThat(result.path("backfill").path("failed").asLong()).isPositive();
            assertThat(count("SELECT COUNT(*) FROM user_authid_backfill_audit WHERE run_id = '" + result.path("requestId").asText()
                    + "'")).isEqualTo(result.path("backfill").path("total").asLong());
        } finally {
            kratos.start();
        }
        JsonNode retried = backfill(ids(150, 159), Map.of());
        assertThat(retried.path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void badOptionsAreRejected() {
        String id = "backfill-bad-" + UUID.randomUUID();
        kafka.request(id, "backfill", "kratos", Map.of("options", Map.of("job", "user-authid", "batchSize", 0)));
        JsonNode result = kafka.awaitResult(id, WAIT);
        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("message").asText()).contains("batchSize");
    }

    private JsonNode backfill(List<String> userIds, Map<String, Object> extra) {
        String id = "backfill-" + UUID.randomUUID();
        Map<String, Object> options = new HashMap<>(extra);
        options.put("job", "user-authid");
        options.put("userIds", userIds);
        kafka.request(id, "backfill", "kratos", Map.of("options", options));
        return kafka.awaitResult(id, WAIT);
    }

    private com.github.tomakehurst.wiremock.client.MappingBuilder lookup(int n) {
        return get(urlPathEqualTo("/admin/identities")).withQueryParam("credentials_identifier", equalTo("user" + n + "@example.org"));
    }

    private void identities(int n, String... ids) {
        kratos.stubFor(lookup(n).willReturn(okJson(ids)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(String... ids) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids[i]).append("\",\"schema_id\":\"default\",\"state\":\"active\",")
                    .append("\"traits\":{\"email\":\"someone@example.org\"},\"verifiable_addresses\":[],\"created_at\":\"2024-01-01T00:00:00Z\"}");
        }
        return aResponse().withHeader("Content-Type", "application/json").withBody(body.append("]").toString());
    }

    static String identity(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    static String userId(int n) {
        return String.format("00000000-0000-4000-8000-%012d", n);
    }

    static List<String> ids(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(UserAuthIdBackfillTest::userId).toList();
    }

    private static String authId(int n) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT authId FROM `user` WHERE id = '" + userId(n) + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** user_id → status|reason|attempts for one run. */
    private static Map<String, String> auditByUser(String runId) throws SQLException {
        Map<String, String> rows = new HashMap<>();
        try (Connection c = TestInfrastructure.connect(SCHEMA); PreparedStatement ps = c.prepareStatement(
                "SELECT user_id, resolution_status, failure_reason, attempts FROM user_authid_backfill_audit WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getInt(4));
                }
            }
        }
        return rows;
    }

    private static String kratosError(String runId, int n) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); PreparedStatement ps = c.prepareStatement(
                "SELECT kratos_error FROM user_authid_backfill_audit WHERE run_id = ? AND user_id = ?")) {
            ps.setString(1, runId);
            ps.setString(2, userId(n));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void update(String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
