package dev.ferry.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;
import io.restassured.response.Response;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/** Retention across the 90-day boundary with each policy, its dry run, and unresolved rows kept unless included. */
@QuarkusTest
@Tag(Tags.QUARKUS)
class RetentionTest {

    private static final String SCHEMA = "ferry_test_kratos";

    @BeforeAll
    static void migrate() {
        String id = "retention-migrate-" + UUID.randomUUID();
        KafkaTestClient.get().request(id, "migrate", "kratos", Map.of());
        KafkaTestClient.get().awaitResult(id, Duration.ofSeconds(60));
    }

    @Test
    void eachPolicyMovesOnlyRowsPastTheBoundaryAndKeepsUnresolvedOnes() throws Exception {
        String run = seed();
        Response dry = retention(Map.of("dryRun", true, "policy", "archive-table"));
        dry.then().statusCode(200);
        assertThat(dry.jsonPath().getLong("rows")).isGreaterThanOrEqualTo(2);
        assertThat(emails(run)).hasSize(6);

        retention(Map.of("dryRun", false, "policy", "archive-table")).then().statusCode(200);
        assertThat(emails(run)).containsExactlyInAnyOrder("young-success", "young-failed", "old-failed", "young-resolved");
        assertThat(archived(run)).containsExactlyInAnyOrder("old-success", "old-resolved");
        assertThat(retention(Map.of("dryRun", false, "policy", "archive-table")).jsonPath().getLong("rows")).isZero();

        String csvRun = seed();
        Response csv = retention(Map.of("dryRun", false, "policy", "archive-csv"));
        csv.then().statusCode(200);
        List<String> files = csv.jsonPath().getList("files");
        assertThat(files).isNotEmpty();
        StringBuilder archivedRows = new StringBuilder();
        for (String file : files) {
            try (var in = new InputStreamReader(new GZIPInputStream(Files.newInputStream(Path.of(file))), StandardCharsets.UTF_8)) {
                for (CSVRecord record : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                    archivedRows.append(record.get("run_id")).append(':').append(record.get("email")).append('\n');
                }
            }
        }
        assertThat(archivedRows.toString()).contains(csvRun + ":old-success").contains(csvRun + ":old-resolved")
                .doesNotContain(csvRun + ":old-failed").doesNotContain(csvRun + ":young-success");
        assertThat(emails(csvRun)).hasSize(4);

        String dropRun = seed();
        long toDrop = retention(Map.of("dryRun", true, "policy", "drop", "includeUnresolved", true)).jsonPath().getLong("rows");
        retention(Map.of("dryRun", false, "policy", "drop", "includeUnresolved", true, "expectRows", toDrop)).then().statusCode(200);
        assertThat(emails(dropRun)).containsExactlyInAnyOrder("young-success", "young-failed", "young-resolved");
        assertThat(archived(dropRun)).isEmpty();

        given().auth().oauth2(TestTokens.viewer()).queryParam("dryRun", true).post("/api/audit/user-authid/retention").then().statusCode(403);
        given().auth().oauth2(TestTokens.operator()).queryParam("policy", "shred").post("/api/audit/user-authid/retention").then()
                .statusCode(400);
        assertThat(count("ferry_test", "SELECT COUNT(*) FROM ferry_request WHERE action = 'retention' AND status = 'SUCCEEDED'"))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void aBooleanThatIsNotTrueOrFalseIsRefusedAndNothingIsDeleted() throws Exception {
        String run = seed();
        for (String loose : List.of("1", "yes", "on", "TRUE")) {
            retention(Map.of("dryRun", loose, "policy", "drop", "includeUnresolved", "true")).then().statusCode(400)
                    .body("code", org.hamcrest.Matchers.equalTo("INVALID_REQUEST"))
                    .body("errors[0].field", org.hamcrest.Matchers.equalTo("dryRun"));
        }
        retention(Map.of("dryRun", "false", "includeUnresolved", "1")).then().statusCode(400);
        // An empty value is no value: the default, a dry run.
        assertThat(retention(Map.of("dryRun", "", "policy", "drop", "includeUnresolved", "true")).then().statusCode(200).extract()
                .jsonPath().getBoolean("dryRun")).isTrue();
        given().auth().oauth2(TestTokens.operator()).queryParam("unresolvedOnly", "1").get("/api/audit/user-authid").then().statusCode(400);
        assertThat(emails(run)).hasSize(6);
    }

    @Test
    void aDestructiveRunMustNameTheCountItsDryRunReported() throws Exception {
        String run = seed();
        Map<String, Object> drop = Map.of("dryRun", false, "policy", "drop", "includeUnresolved", true);
        retention(drop).then().statusCode(428).body("code", org.hamcrest.Matchers.equalTo("PRECONDITION_REQUIRED"));
        long rows = retention(Map.of("dryRun", true, "policy", "drop", "includeUnresolved", true)).jsonPath().getLong("rows");
        Map<String, Object> wrong = new java.util.HashMap<>(drop);
        wrong.put("expectRows", rows + 1);
        retention(wrong).then().statusCode(409).body("code", org.hamcrest.Matchers.equalTo("ROW_COUNT_MISMATCH"));
        assertThat(emails(run)).hasSize(6);
        Map<String, Object> unresolved = Map.of("dryRun", false, "policy", "archive-table", "includeUnresolved", true);
        retention(unresolved).then().statusCode(428);
        assertThat(emails(run)).hasSize(6);

        Map<String, Object> right = new java.util.HashMap<>(drop);
        right.put("expectRows", rows);
        retention(right).then().statusCode(200);
        assertThat(emails(run)).containsExactlyInAnyOrder("young-success", "young-failed", "young-resolved");
    }

    @Test
    void aRowTheArchiveHoldsDifferentlyIsNeverDeleted() throws Exception {
        String run = seed();
        long id = Long.parseLong(strings("SELECT id FROM user_authid_backfill_audit WHERE run_id = '" + run + "' AND email = 'old-success'")
                .get(0));
        // A copy under the same id that is not this row (an older archive, a restored backup).
        TestInfrastructure.execute(SCHEMA, "INSERT INTO user_authid_backfill_audit_archive (id, run_id, user_id, email, resolution_status,"
                + " attempts, attempted_at, archived_at) VALUES (" + id + ", 'someone-else', 'u', 'other@example.org', 'success', 1,"
                + " UTC_TIMESTAMP(), UTC_TIMESTAMP())");
        try {
            retention(Map.of("dryRun", false, "policy", "archive-table")).then().statusCode(409)
                    .body("code", org.hamcrest.Matchers.equalTo("ARCHIVE_MISMATCH"));
            assertThat(emails(run)).contains("old-success");
            assertThat(count("ferry_test", "SELECT COUNT(*) FROM ferry_request WHERE action = 'retention' AND status = 'FAILED'"))
                    .isPositive();
        } finally {
            TestInfrastructure.execute(SCHEMA, "DELETE FROM user_authid_backfill_audit_archive WHERE id = " + id
                    + " AND run_id = 'someone-else'");
        }
        retention(Map.of("dryRun", false, "policy", "archive-table")).then().statusCode(200);
        assertThat(archived(run)).contains("old-success");
    }

    private static Response retention(Map<String, Object> params) {
        return given().auth().oauth2(TestTokens.operator()).queryParams(params).post("/api/audit/user-authid/retention");
    }

    /** Six rows of a new run: three within 90 days, three past the boundary (one of them failed, i.e. unresolved). */
    private static String seed() throws SQLException {
        String run = "retention-seed-" + UUID.randomUUID();
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        insert(run, "young-success", "success", now.minusDays(89));
        insert(run, "young-failed", "failed", now.minusDays(89));
        insert(run, "old-success", "success", now.minusDays(91));
        insert(run, "old-resolved", "resolved", now.minusDays(120));
        insert(run, "old-failed", "failed", now.minusDays(91));
        insert(run, "young-resolved", "resolved", now.minusDays(89).plusHours(1));
        return run;
    }

    private static void insert(String run, String email, String status, LocalDateTime at) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO user_authid_backfill_audit (run_id, user_id, email, resolution_status, failure_reason, attempts, attempted_at)"
                        + " VALUES (?, ?, ?, ?, ?, 1, ?)")) {
            ps.setString(1, run);
            ps.setString(2, UUID.randomUUID().toString());
            ps.setString(3, email);
            ps.setString(4, status);
            ps.setString(5, status.equals("failed") ? "missing" : null);
            ps.setObject(6, at);
            ps.executeUpdate();
        }
    }

    private static List<String> emails(String run) throws SQLException {
        return strings("SELECT email FROM user_authid_backfill_audit WHERE run_id = '" + run + "'");
    }

    private static List<String> archived(String run) throws SQLException {
        return strings("SELECT email FROM user_authid_backfill_audit_archive WHERE run_id = '" + run + "' AND archived_at IS NOT NULL");
    }

    private static long count(String schema, String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> strings(String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new java.util.ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }
}
