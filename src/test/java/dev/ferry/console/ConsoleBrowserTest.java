package dev.ferry.console;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.BrowserTests;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The console in a real browser ({@code src/test/browser/console.test.mjs}, see {@link BrowserTests}) against
 * this Ferry, signed in through the dev link; here, the data it needs: failed audit rows of a run of its own, and a
 * change for an approver.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
@Tag(Tags.BROWSER)
class ConsoleBrowserTest {

    private static final String AUDIT_SCHEMA = "ferry_test_kratos";

    @TestHTTPResource("/")
    URL ferry;

    @Test
    void theConsoleWorksInChromiumForOperatorsAndViewers() throws Exception {
        String run = "console-run-" + UUID.randomUUID();
        seedFailedRows(run, 4);
        // The target whose changes wait for an approver (ApprovalTest's), with one script pending.
        Path guarded = Path.of("target/test-work/guarded");
        TestInfrastructure.freshTarget("ferry_test_guarded", guarded);
        Files.writeString(guarded.resolve("V1__t.sql"), "CREATE TABLE t (id INT PRIMARY KEY);\n");
        BrowserTests.run("console.test.mjs", Map.of("FERRY_URL", ferry.toString().replaceAll("/$", ""), "OPERATOR_TOKEN",
                TestTokens.operator(), "VIEWER_TOKEN", TestTokens.viewer(), "APPROVER_TOKEN", TestTokens.approver(), "AUDIT_RUN", run,
                "MIGRATE_TARGET", "kratos", "GUARDED_TARGET", "guarded"));
    }

    /** The audit target migrated, then failed rows of one run of this test's own, with emails only an operator sees whole. */
    private static void seedFailedRows(String run, int count) throws SQLException {
        String id = "console-kratos-" + UUID.randomUUID();
        KafkaTestClient.get().request(id, "migrate", "kratos", Map.of());
        KafkaTestClient.get().awaitResult(id, Duration.ofSeconds(60));
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        try (Connection c = TestInfrastructure.connect(AUDIT_SCHEMA); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO user_authid_backfill_audit (run_id, user_id, email, resolution_status, failure_reason, kratos_error,"
                        + " attempts, attempted_at) VALUES (?, ?, ?, 'failed', ?, ?, 1, ?)")) {
            for (int i = 0; i < count; i++) {
                ps.setString(1, run);
                ps.setString(2, UUID.randomUUID().toString());
                ps.setString(3, "console" + i + "@example.org");
                ps.setString(4, i % 2 == 0 ? "missing" : "duplicate");
                ps.setString(5, i % 2 == 0 ? "no identity has this email" : "2 identities have this email");
                ps.setObject(6, now.minusMinutes(count - i));
                ps.executeUpdate();
            }
        }
    }
}
