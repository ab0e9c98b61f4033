package dev.ferry.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.KratosStub;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The audit API over generated rows in the real audit table: filters, pages, roles, CSV, resolve, retry, SSE. */
@QuarkusTest
@Tag(Tags.QUARKUS)
class AuditApiTest {

    private static final String SCHEMA = "ferry_test_kratos";
    private static final String RUN = "audit-gen-" + UUID.randomUUID();
    /** Recent enough that a retention run in the same test JVM never moves these rows. */
    private static final LocalDateTime BASE = LocalDateTime.now(ZoneOffset.UTC).minusDays(10).toLocalDate().atStartOfDay();

    @BeforeAll
    static void generate() throws SQLException {
        String id = "audit-migrate-" + UUID.randomUUID();
        KafkaTestClient.get().request(id, "migrate", "kratos", Map.of());
        KafkaTestClient.get().awaitResult(id, Duration.ofSeconds(60));
        try (Connection c = TestInfrastructure.connect(SCHEMA); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO user_authid_backfill_audit (run_id, user_id, email, identity_id, resolution_status, failure_reason,"
                        + " kratos_error, attempts, attempted_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)")) {
            for (int i = 0; i < 120; i++) {
                String status = i % 3 == 0 ? "success" : "failed";
                String reason = status.equals("success") ? null : i % 3 == 1 ? "missing" : i % 2 == 0 ? "duplicate" : "error";
                ps.setString(1, RUN);
                ps.setString(2, String.format("00000000-0000-4000-a000-%012d", i));
                ps.setString(3, (i < 10 ? "pct%" : "gen") + i + "@example.org");
                ps.setString(4, status.equals("success") ? UUID.randomUUID().toString() : null);
                ps.setString(5, status);
                ps.setString(6, reason);
                ps.setString(7, i == 4 ? "=HYPERLINK(\"http://evil\",\"x\"), \"quoted\"" : reason == null ? null : "error " + i);
                ps.setObject(8, BASE.plusMinutes(i));
                ps.executeUpdate();
            }
        }
    }

    @Test
    void everyFilterSelectsWhatTheSqlSays() throws SQLException {
        assertThat(listAll("runId=" + RUN)).hasSize(120);
        assertThat(listAll("runId=" + RUN + "&status=success")).hasSize((int) count("resolution_status = 'success'"));
        assertThat(listAll("runId=" + RUN + "&status=success&status=failed"))
                .hasSize((int) count("resolution_status IN ('success', 'failed')"));
        assertThat(listAll("runId=" + RUN + "&reason=missing")).hasSize((int) count("failure_reason = 'missing'"));
        assertThat(listAll("runId=" + RUN + "&unresolvedOnly=true")).hasSize((int) count("resolution_status = 'failed'"));
        assertThat(listAll("runId=" + RUN + "&emailPrefix=pct%25")).hasSize(10);
        assertThat(listAll("runId=" + RUN + "&emailPrefix=pct%251")).extracting(r -> r.get("email"))
                .containsExactlyInAnyOrder("pct%1@example.org");
        assertThat(listAll("runId=" + RUN + "&from=" + BASE.plusMinutes(30).toInstant(ZoneOffset.UTC) + "&to="
                + BASE.plusMinutes(60).toInstant(ZoneOffset.UTC))).hasSize(30);
        assertThat(listAll("runId=" + RUN + "&from=" + BASE.toLocalDate().plusDays(1))).isEmpty();
    }

    @Test
    void pagesHaveNoDuplicatesNorGapsWhileRowsAreInserted() throws SQLException {
        Set<Object> seen = new HashSet<>();
        List<Object> order = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Response page = given().spec(TestTokens.asOperator()).queryParam("runId", RUN).queryParam("limit", 25)
                    .queryParam("after", after == null ? new Object[0] : new Object[] { after }).get("/api/audit/user-authid");
            page.then().statusCode(200);
            List<Map<String, Object>> items = page.jsonPath().getList("items");
            items.forEach(i -> {
                assertThat(seen.add(i.get("id"))).as("duplicate row %s", i.get("id")).isTrue();
                order.add(i.get("attemptedAt"));
            });
            after = page.jsonPath().getString("nextCursor");
            if (after != null) {
                assertThat(page.getHeader("Link")).contains("rel=\"next\"");
            }
            if (pages++ == 0) {
                insert(RUN, "late@example.org", LocalDateTime.now(ZoneOffset.UTC)); // newer than every page: never in the rest
            }
        } while (after != null);
        assertThat(seen).hasSize(120);
        assertThat(order).isSortedAccordingTo((a, b) -> ((String) b).compareTo((String) a));
        execute("DELETE FROM user_authid_backfill_audit WHERE email = 'late@example.org'");
    }

    @Test
    void viewersSeeMaskedEmailsOperatorsFullOnes() {
        long id = given().auth().oauth2(TestTokens.operator()).queryParam("runId", RUN).queryParam("emailPrefix", "gen11@")
                .get("/api/audit/user-authid").then().statusCode(200).extract().jsonPath().getLong("items[0].id");
        String viewerEmail = given().auth().oauth2(TestTokens.viewer()).get("/api/audit/user-authid/" + id).then().statusCode(200)
                .extract().path("email");
        String operatorEmail = given().auth().oauth2(TestTokens.operator()).queryParam("runId", RUN).queryParam("emailPrefix", "gen11@")
                .get("/api/audit/user-authid").then().statusCode(200).extract().path("items[0].email");
        assertThat(viewerEmail).isEqualTo("g***@example.org");
        assertThat(operatorEmail).isEqualTo("gen11@example.org");
        String csv = given().auth().oauth2(TestTokens.viewer()).queryParam("runId", RUN).get("/api/audit/user-authid/export.csv").asString();
        assertThat(csv).contains("g***@example.org").doesNotContain("gen11@example.org");
    }

    @Test
    void viewersCannotFilterByEmailSoMaskingHolds() {
        // One character at a time, emailPrefix would give the masked address away.
        for (String path : List.of("/api/audit/user-authid", "/api/audit/user-authid/export.csv")) {
            problem(given().auth().oauth2(TestTokens.viewer()).queryParam("runId", RUN).queryParam("emailPrefix", "gen11@").get(path),
                    403, "FORBIDDEN");
        }
    }

    @Test
    void unauthenticatedIs401AndWrongRoleIs403() {
        String expired = TestTokens.withRoles("old", List.of("operator"), Duration.ofSeconds(-120));
        String alien = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiZ3JvdXBzIjpbIm9wZXJhdG9yIl19.";
        for (String path : List.of("/api/audit/user-authid", "/api/audit/user-authid/summary", "/api/requests", "/api/targets")) {
            problem(given().get(path), 401, "UNAUTHENTICATED");
            problem(given().auth().oauth2(expired).get(path), 401, "UNAUTHENTICATED");
            problem(given().auth().oauth2(alien).get(path), 401, "UNAUTHENTICATED");
            problem(given().auth().oauth2(TestTokens.withRoles("nobody", List.of("guest"), Duration.ofMinutes(5))).get(path), 403,
                    "FORBIDDEN");
        }
        problem(given().auth().oauth2(TestTokens.viewer()).contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body("{\"resolutionStatus\":\"resolved\",\"note\":\"x\"}").patch("/api/audit/user-authid/1"), 403, "FORBIDDEN");
        problem(given().auth().oauth2(TestTokens.viewer()).post("/api/audit/user-authid/1/retry"), 403, "FORBIDDEN");
        problem(given().auth().oauth2(TestTokens.viewer()).contentType(ContentType.JSON)
                .body("{\"requestId\":\"v\",\"action\":\"info\",\"target\":\"plain\"}").post("/api/requests"), 403, "FORBIDDEN");
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void csvIsQuotedStreamedAndSafeAgainstFormulas() throws Exception {
        Response response = given().spec(TestTokens.asOperator()).queryParam("runId", RUN).get("/api/audit/user-authid/export.csv");
        response.then().statusCode(200).contentType(startsWith("text/csv"))
                .header("Content-Disposition", startsWith("attachment; filename=\"user-authid-audit-20"));
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(response.asString())).getRecords();
        assertThat(records).hasSize(120);
        CSVRecord formula = records.stream().filter(r -> r.get("email").equals("pct%4@example.org")).findFirst().orElseThrow();
        assertThat(formula.get("kratos_error")).isEqualTo("'=HYPERLINK(\"http://evil\",\"x\"), \"quoted\"");
        assertThat(records.stream().map(r -> r.get("email"))).contains("pct%3@example.org");
    }

    @Test
    void resolvingNeedsTheCurrentVersionAndOnlyFailedRows() throws SQLException {
        long failed = id("gen11@example.org");
        long success = id("gen12@example.org");
        String body = "{\"resolutionStatus\":\"resolved\",\"note\":\"user merged by hand\"}";

        problem(given().spec(TestTokens.asOperator()).contentType(ContentType.JSON).body(body).patch("/api/audit/user-authid/" + failed),
                428, "PRECONDITION_REQUIRED");
        String etag = given().spec(TestTokens.asOperator()).get("/api/audit/user-authid/" + failed).then().statusCode(200).extract()
                .header("ETag");
        problem(given().spec(TestTokens.asOperator()).contentType(ContentType.JSON).header("If-Match", "\"99\"").body(body)
                .patch("/api/audit/user-authid/" + failed), 412, "VERSION_CONFLICT");
        given().spec(TestTokens.asOperator()).contentType(ContentType.JSON).header("If-Match", etag).body(body)
                .patch("/api/audit/user-authid/" + failed).then().statusCode(200)
                .body("resolutionStatus", equalTo("resolved")).body("resolvedBy", equalTo("test-operator"))
                .body("resolutionNote", equalTo("user merged by hand"));
        problem(given().spec(TestTokens.asOperator()).contentType(ContentType.JSON).header("If-Match", etag).body(body)
                .patch("/api/audit/user-authid/" + failed), 409, "NOT_RESOLVABLE");
        String successTag = given().spec(TestTokens.asOperator()).get("/api/audit/user-authid/" + success).header("ETag");
        problem(given().spec(TestTokens.asOperator()).contentType(ContentType.JSON).header("If-Match", successTag).body(body)
                .patch("/api/audit/user-authid/" + success), 409, "NOT_RESOLVABLE");
        problem(given().spec(TestTokens.asOperator()).get("/api/audit/user-authid/999999999"), 404, "AUDIT_NOT_FOUND");
    }

    @Test
    void aResolutionBodyNamesTheFieldAtFault() throws SQLException {
        String path = "/api/audit/user-authid/" + id("gen14@example.org");
        String etag = given().spec(TestTokens.asOperator()).get(path).then().statusCode(200).extract().header("ETag");
        String longNote = "n".repeat(2001);
        Map<String, String> bodies = Map.of(
                "{\"resolutionStatus\":\"success\",\"note\":\"x\"}", "resolutionStatus",
                "{\"resolutionStatus\":\"resolved\",\"note\":\"  \"}", "note",
                "{\"resolutionStatus\":\"resolved\"}", "note",
                "{\"resolutionStatus\":\"resolved\",\"note\":\"" + longNote + "\"}", "note");
        bodies.forEach((body, field) -> problem(given().spec(TestTokens.asOperator()).contentType(ContentType.JSON).header("If-Match", etag)
                .body(body).patch(path), 400, "INVALID_REQUEST").body("errors.field", contains(field)));
        problem(given().spec(TestTokens.asOperator()).contentType(ContentType.JSON).header("If-Match", etag).patch(path), 400,
                "INVALID_REQUEST").body("detail", equalTo("A JSON body is required"));
        given().spec(TestTokens.asOperator()).get(path).then().statusCode(200).body("resolutionStatus", equalTo("failed"));
    }

    @Test
    void retrySubmitsABackfillForThatUserThroughTheRequestPath() throws SQLException {
        long row = id("gen13@example.org");
        String location = given().spec(TestTokens.asOperator()).post("/api/audit/user-authid/" + row + "/retry").then().statusCode(202)
                .extract().header("Location");
        String requestId = location.substring(location.lastIndexOf('/') + 1);
        var result = KafkaTestClient.get().awaitResult(requestId, Duration.ofSeconds(60));
        assertThat(result.path("action").asText()).isEqualTo("backfill");
        assertThat(result.path("target").asText()).isEqualTo("kratos");
    }

    @Test
    void aRetryOfARowThatIsNotFailedOrIsStillBeingRetriedIsA409() throws SQLException {
        problem(given().spec(TestTokens.asOperator()).post("/api/audit/user-authid/" + id("gen12@example.org") + "/retry"), 409,
                "NOT_RETRYABLE");

        long row = id("gen14@example.org");
        // A retry of this row that is still running.
        try (Connection c = TestInfrastructure.connect("ferry_test"); PreparedStatement ps = c.prepareStatement("INSERT INTO ferry_request"
                + " (request_id, action, target, status, payload, received_at, started_at, instance, heartbeat_at)"
                + " VALUES (?, 'backfill', 'kratos', 'RUNNING', '{}', UTC_TIMESTAMP(), UTC_TIMESTAMP(), 'elsewhere', UTC_TIMESTAMP())")) {
            ps.setString(1, "retry-" + row + "-1");
            ps.executeUpdate();
        }
        problem(given().spec(TestTokens.asOperator()).post("/api/audit/user-authid/" + row + "/retry"), 409, "NOT_RETRYABLE");

        TestInfrastructure.execute("ferry_test", "UPDATE ferry_request SET status = 'SUCCEEDED' WHERE request_id = 'retry-" + row + "-1'");
        given().spec(TestTokens.asOperator()).post("/api/audit/user-authid/" + row + "/retry").then().statusCode(202)
                .header("Location", org.hamcrest.Matchers.endsWith("/retry-" + row + "-2"));
    }

    @Test
    void summaryCountsByStatusAndReason() {
        given().spec(TestTokens.asOperator()).get("/api/audit/user-authid/summary").then().statusCode(200)
                .body("byStatus.success", org.hamcrest.Matchers.greaterThanOrEqualTo(40))
                .body("failedByReason.missing", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("oldestUnresolved", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void badParametersNameTheParameter() {
        problem(given().spec(TestTokens.asOperator()).queryParam("status", "gone").get("/api/audit/user-authid"), 400, "INVALID_REQUEST")
                .body("detail", startsWith("Parameter 'status'"));
        problem(given().spec(TestTokens.asOperator()).queryParam("from", "yesterday").get("/api/audit/user-authid"), 400,
                "INVALID_REQUEST").body("detail", startsWith("Parameter 'from'"));
        problem(given().spec(TestTokens.asOperator()).queryParam("after", "%%%").get("/api/audit/user-authid"), 400, "INVALID_REQUEST")
                .body("detail", startsWith("Parameter 'after'"));
        problem(given().spec(TestTokens.asOperator()).queryParam("limit", 501).get("/api/audit/user-authid"), 400, "INVALID_REQUEST");
        problem(given().spec(TestTokens.asOperator()).queryParam("emailPrefix", "x' OR '1'='1").get("/api/audit/user-authid"), 200, null);
    }

    @Test
    void serverSentEventsCarryProgressThenTheResult() {
        for (int n = 230; n < 290; n++) {
            KratosStub.instance().server().stubFor(get(urlPathEqualTo("/admin/identities"))
                    .withQueryParam("credentials_identifier", com.github.tomakehurst.wiremock.client.WireMock.equalTo("user" + n + "@example.org"))
                    .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("[]").withFixedDelay(40)));
        }
        String id = "sse-" + UUID.randomUUID();
        List<String> users = new ArrayList<>();
        for (int n = 230; n < 290; n++) {
            users.add(String.format("00000000-0000-4000-8000-%012d", n));
        }
        KafkaTestClient.get().request(id, "backfill", "kratos",
                Map.of("options", Map.of("job", "user-authid", "batchSize", 5, "concurrency", 1, "userIds", users)));

        String stream = given().spec(TestTokens.asOperator()).accept("text/event-stream").get("/api/requests/" + id + "/events")
                .then().statusCode(200).extract().asString();

        assertThat(stream).contains("event:progress").contains("event:result");
        assertThat(stream.indexOf("event:progress")).isLessThan(stream.indexOf("event:result"));
        assertThat(stream).contains("\"processed\"").contains("\"requestId\":\"" + id + "\"");
    }

    private static io.restassured.response.ValidatableResponse problem(Response response, int status, String code) {
        var then = response.then().statusCode(status);
        if (code != null) {
            then.contentType("application/problem+json").body("code", equalTo(code));
        }
        return then;
    }

    private static List<Map<String, Object>> listAll(String query) {
        List<Map<String, Object>> all = new ArrayList<>();
        String after = null;
        do {
            Response page = given().spec(TestTokens.asOperator()).urlEncodingEnabled(false)
                    .get("/api/audit/user-authid?limit=500&" + query + (after == null ? "" : "&after=" + after));
            page.then().statusCode(200);
            all.addAll(page.jsonPath().getList("items"));
            after = page.jsonPath().getString("nextCursor");
        } while (after != null);
        return all;
    }

    private static long count(String condition) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM user_authid_backfill_audit WHERE run_id = '" + RUN + "' AND " + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long id(String email) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM user_authid_backfill_audit WHERE run_id = ? AND email = ?")) {
            ps.setString(1, RUN);
            ps.setString(2, email);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void insert(String run, String email, LocalDateTime at) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO user_authid_backfill_audit (run_id, user_id, email, resolution_status, failure_reason, attempts, attempted_at)"
                        + " VALUES (?, ?, ?, 'failed', 'missing', 1, ?)")) {
            ps.setString(1, run);
            ps.setString(2, UUID.randomUUID().toString());
            ps.setString(3, email);
            ps.setObject(4, at);
            ps.executeUpdate();
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }
}
