package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** ferry-cli against Ferry in test mode: every exit code a pipeline branches on. */
@QuarkusTest
@Tag(Tags.QUARKUS)
class CliTest {

    @TestHTTPResource("/")
    URL ferry;

    @Test
    void aRequestThatSucceedsExitsZeroWithASummary() {
        Run run = cli(operator(), "submit", "--target", "plain", "--action", "info", "--request-id", id("cli-ok"), "--wait", "60s");
        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out).contains(": info on plain: SUCCEEDED in ").contains("applied: V1__create_items.sql");
    }

    @Test
    void jsonPrintsTheResultAndStatusReadsItAgain() throws Exception {
        String id = id("cli-json");
        Run run = cli(operator(), "submit", "--json", "--target", "plain", "--action", "info", "--request-id", id);
        assertThat(run.code).as(run.toString()).isZero();
        JsonNode result = new ObjectMapper().readTree(run.out);
        assertThat(result.path("requestId").asText()).isEqualTo(id);
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");

        assertThat(cli(operator(), "status", id).code).isZero();
        assertThat(cli(operator(), "status", "never-" + UUID.randomUUID()).code).isEqualTo(2);
    }

    @Test
    void aDryRunAsksForThePlanAndChangesNothing() throws Exception {
        Run run = cli(operator(), "submit", "--json", "--dry-run", "--target", "plain", "--request-id", id("cli-dry"));
        assertThat(run.code).as(run.toString()).isZero();
        // Only a dry run's result carries a plan (empty when nothing is pending).
        assertThat(new ObjectMapper().readTree(run.out).path("plan").isArray()).isTrue();
    }

    @Test
    void aFailedMigrationExitsThreeAndNamesTheError() {
        Run run = cli(operator(), "submit", "--target", "broken", "--request-id", id("cli-broken"));
        assertThat(run.code).as(run.toString()).isEqualTo(3);
        assertThat(run.out).contains("FAILED").contains("error: ");
    }

    @Test
    void refusalsExitTwo() {
        assertThat(cli(operator(), "submit", "--target", "nowhere", "--request-id", id("cli-unknown")).code).isEqualTo(2);
        String id = id("cli-reused");
        assertThat(cli(operator(), "submit", "--target", "plain", "--action", "info", "--request-id", id).code).isZero();
        Run reused = cli(operator(), "submit", "--target", "plain", "--action", "migrate", "--request-id", id);
        assertThat(reused.code).as(reused.toString()).isEqualTo(2);
        assertThat(reused.err).contains("IDEMPOTENCY_CONFLICT");
    }

    @Test
    void noTokenARefusedTokenOrNoFerryExitFive() throws IOException {
        assertThat(cli(Map.of("FERRY_URL", ferry.toString()), "submit", "--target", "plain", "--request-id", id("cli-x")).code).isEqualTo(5);
        Run viewer = cli(token(TestTokens.viewer()), "submit", "--target", "plain", "--request-id", id("cli-viewer"));
        assertThat(viewer.code).isEqualTo(5);
        assertThat(viewer.err).contains("403");
        assertThat(cli(token("not.a.token"), "status", "x").code).isEqualTo(5);
        int closed;
        try (ServerSocket free = new ServerSocket(0)) {
            closed = free.getLocalPort();
        }
        assertThat(cli(operator(), "status", "x", "--url", "http://127.0.0.1:" + closed).code).isEqualTo(5);
    }

    @Test
    void theTokenCanComeFromAFile() throws IOException {
        Path file = Files.createTempFile("ferry-token", ".txt");
        Files.writeString(file, TestTokens.operator() + "\n");
        assertThat(cli(Map.of("FERRY_URL", ferry.toString()), "submit", "--token-file", file.toString(), "--target", "plain", "--action",
                "info", "--request-id", id("cli-file")).code).isZero();
    }

    @Test
    void aWaitThatRunsOutExitsFourAndWaitPicksItUpAcrossARestartOfTheWayToFerry() throws Exception {
        String id = id("cli-held");
        try (Connection holder = TestInfrastructure.connect("ferry_test"); TcpProxy proxy = new TcpProxy(ferry.getPort())) {
            hold(holder);
            Run timedOut = cli(operator(), "submit", "--target", "held", "--request-id", id, "--wait", "2s");
            assertThat(timedOut.code).as(timedOut.toString()).isEqualTo(4);
            // RUNNING once an instance took it; ACCEPTED while its partition is still busy with earlier requests.
            assertThat(timedOut.out).containsPattern("(RUNNING|ACCEPTED) \\(not final when the wait ran out\\)");

            CompletableFuture<Run> waiting = CompletableFuture.supplyAsync(() -> cli(operator(), "wait", id, "--wait", "90s", "--url",
                    "http://127.0.0.1:" + proxy.port()));
            // Ferry out of reach for a while (a restart, as the waiting client sees it), then back.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> proxy.connections() > 0);
            proxy.stop();
            org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());
            proxy.start();
            release(holder);

            Run done = waiting.get(90, TimeUnit.SECONDS);
            assertThat(done.code).as(done.toString()).isZero();
            assertThat(done.out).contains("SUCCEEDED");
            assertThat(proxy.connections()).as("connections after the restart").isGreaterThan(1);
        }
    }

    @Test
    void aRequestPublishedButNotYetTakenWhenTheWaitRunsOutExitsFourNotTwo() throws Exception {
        // A partition busy with an earlier request for the same target: the next one is published (202)
        // but no instance has taken it when the wait runs out. That is a wait that ran out, not a refusal.
        String first = id("cli-busy");
        String second = id("cli-queued");
        try (Connection holder = TestInfrastructure.connect("ferry_test")) {
            hold(holder);
            try {
                assertThat(cli(operator(), "submit", "--target", "held", "--request-id", first, "--wait", "2s").code).isEqualTo(4);
                Run queued = cli(operator(), "submit", "--target", "held", "--request-id", second, "--wait", "2s");
                assertThat(queued.code).as(queued.toString()).isEqualTo(4);
                assertThat(queued.out).contains(second + ": migrate on held: ACCEPTED (not final when the wait ran out)");
            } finally {
                release(holder);
            }
            assertThat(cli(operator(), "wait", second, "--wait", "60s").code).isZero();
        }
    }

    private Run cli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FerryCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private Map<String, String> operator() {
        return token(TestTokens.operator());
    }

    private Map<String, String> token(String token) {
        return Map.of("FERRY_TOKEN", token, "FERRY_URL", ferry.toString());
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static void hold(Connection holder) throws SQLException {
        try (PreparedStatement lock = holder.prepareStatement("SELECT GET_LOCK('ferry:held', 0)"); ResultSet rs = lock.executeQuery()) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    private static void release(Connection holder) throws SQLException {
        try (PreparedStatement unlock = holder.prepareStatement("SELECT RELEASE_LOCK('ferry:held')")) {
            unlock.executeQuery().close();
        }
    }

    private record Run(int code, String out, String err) {
    }
}
