package dev.ferry.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The console in a real browser: {@code src/test/browser/console.test.mjs}, run by Node's test runner,
 * drives Debian's Chromium through playwright-core against this Ferry. Here: the data it needs (failed
 * audit rows of a run of its own) and the run itself. Needs node, npm and chromium; CI installs them
 * and sets ferry.test.require-tools, so there the test cannot be skipped by accident.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class ConsoleBrowserTest {

    private static final Path BROWSER_TESTS = Path.of("src/test/browser").toAbsolutePath();
    private static final String AUDIT_SCHEMA = "ferry_test_kratos";

    @TestHTTPResource("/")
    URL ferry;

    @Test
    void theConsoleWorksInChromiumForOperatorsAndViewers() throws Exception {
        Path chromium = onPath("chromium");
        Path node = onPath("node");
        boolean ready = chromium != null && node != null && (Files.isDirectory(BROWSER_TESTS.resolve("node_modules/playwright-core"))
                || npmCi());
        assertThat(ready || !Boolean.getBoolean("ferry.test.require-tools"))
                .as("chromium, node and playwright-core (npm ci in src/test/browser) are installed").isTrue();
        Assumptions.assumeTrue(ready, "the browser tests need chromium (Debian: apt-get install chromium), node and npm");

        String run = "console-run-" + UUID.randomUUID();
        seedFailedRows(run, 4);
        Path screenshots = Path.of("target/console-screenshots").toAbsolutePath();
        Files.createDirectories(screenshots);

        ProcessBuilder builder = new ProcessBuilder(node.toString(), "--test", "--test-reporter=spec", "console.test.mjs")
                .directory(BROWSER_TESTS.toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("FERRY_URL", ferry.toString().replaceAll("/$", ""), "OPERATOR_TOKEN", TestTokens.operator(),
                "VIEWER_TOKEN", TestTokens.viewer(), "AUDIT_RUN", run, "MIGRATE_TARGET", "plain", "CHROMIUM", chromium.toString(),
                "SCREENSHOTS", screenshots.toString()));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the browser tests finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("fail 0");
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

    private static boolean npmCi() {
        Path npm = onPath("npm");
        if (npm == null) {
            return false;
        }
        try {
            Process process = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund").directory(BROWSER_TESTS.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(3, TimeUnit.MINUTES) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path onPath(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv("PATH").split(File.pathSeparator)));
        return dirs.stream().map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst().orElse(null);
    }
}
