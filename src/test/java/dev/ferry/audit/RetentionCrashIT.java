package dev.ferry.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.ferry.support.EmbeddedServersResource;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;

/**
 * Retention killed with SIGKILL half-way: no row is lost or in both tables, and the next run
 * finishes the job. The same process logs JSON with the request's id in the MDC.
 */
class RetentionCrashIT {

    private static final String SCHEMA = "ferry_test_retention";
    private static final int ROWS = 50_000;

    @Test
    void aKilledRetentionRunLosesNothingAndTheNextOneFinishes() throws Exception {
        Map<String, String> config = new EmbeddedServersResource().start();
        String server = config.get("ferry.db.host") + ":" + config.get("ferry.db.port");
        TestInfrastructure.addTarget(config, "retention", SCHEMA, "classpath:db/alkemio");
        config.put("ferry.audit.target", "retention");
        config.put("quarkus.datasource.audit.reactive.url", "mysql://" + server + "/" + SCHEMA);
        config.put("ferry.audit.retention.batch-size", "100");
        config.put("quarkus.log.console.json.enabled", "true");
        KafkaTestClient kafka = KafkaTestClient.withTopicPrefix("retention-");
        config.putAll(kafka.topicConfig());
        config.put("mp.messaging.incoming.migration-requests.group.id", "ferry-retention");

        FerryProcess first = FerryProcess.start(config, "ferry-retention-first");
        String migrate = "retention-migrate-" + UUID.randomUUID();
        kafka.request(migrate, "migrate", "retention", Map.of());
        assertThat(kafka.awaitResult(migrate, Duration.ofSeconds(60)).path("status").asText()).isEqualTo("SUCCEEDED");
        // The request's summary line is logged after its result is published: wait for it.
        String requestIdField = "\"requestId\"\\s*:\\s*\"" + migrate + "\"";
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(first.log()).containsPattern(requestIdField));
        seedOldRows();

        retentionAsync(first.port());
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> count("SELECT COUNT(*) FROM user_authid_backfill_audit_archive") >= 1_000);
        first.kill();

        long left = count("SELECT COUNT(*) FROM user_authid_backfill_audit");
        long archived = count("SELECT COUNT(*) FROM user_authid_backfill_audit_archive");
        assertThat(left).isPositive();
        assertThat(left + archived).isEqualTo(ROWS);
        assertThat(count("SELECT COUNT(*) FROM user_authid_backfill_audit a JOIN user_authid_backfill_audit_archive r ON r.id = a.id"))
                .isZero();

        FerryProcess second = FerryProcess.start(config, "ferry-retention-second");
        try {
            HttpResponse<String> response = retention(second.port());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(count("SELECT COUNT(*) FROM user_authid_backfill_audit")).isZero();
            assertThat(count("SELECT COUNT(*) FROM user_authid_backfill_audit_archive")).isEqualTo(ROWS);
            assertThat(count("SELECT COUNT(DISTINCT id) FROM user_authid_backfill_audit_archive")).isEqualTo(ROWS);
        } finally {
            second.stop();
        }
    }

    private static void seedOldRows() throws SQLException {
        TestInfrastructure.execute(SCHEMA, "INSERT INTO user_authid_backfill_audit (run_id, user_id, email, resolution_status, attempts,"
                + " attempted_at) SELECT 'old-run', LPAD(seq, 36, '0'), CONCAT('old', seq, '@example.org'), 'success', 1,"
                + " UTC_TIMESTAMP() - INTERVAL 200 DAY FROM seq_0_to_99999 WHERE seq < " + ROWS);
    }

    private static void retentionAsync(int port) {
        HttpClient.newHttpClient().sendAsync(request(port), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> retention(int port) throws Exception {
        return HttpClient.newHttpClient().send(request(port), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(int port) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/audit/user-authid/retention?dryRun=false"))
                .header("Authorization", "Bearer " + TestTokens.operator()).timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
