package dev.ferry.migration;

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

/**
 * Ferry killed with SIGKILL inside a 6-statement script, after each statement in turn (while the
 * next one runs on the server), then started again: the interrupted request says where it stopped,
 * and the next migrate ends at the version after, with every statement's effect exactly once and no
 * hand SQL.
 */
class HalfAppliedCrashIT {

    private static final String SCHEMA = "ferry_test_halfcrash";
    private static final String LEDGER = "ferry_test_halfcrash_ledger";
    private static final Path FOLDER = Path.of("target/test-work/halfcrash").toAbsolutePath();
    private static final int STATEMENTS = 6;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void killedAfterEachStatementInTurnTheNextMigrateFinishesTheScript() throws Exception {
        Map<String, String> config = new EmbeddedServersResource().start();
        TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + SCHEMA);
        TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + LEDGER);
        writeScripts();
        TestInfrastructure.addTarget(config, "halfcrash", SCHEMA, "filesystem:" + FOLDER);
        config.put("ferry.db.schema", LEDGER);
        KafkaTestClient kafka = KafkaTestClient.withTopicPrefix("halfcrash-");
        config.putAll(kafka.topicConfig());
        config.put("mp.messaging.incoming.migration-requests.group.id", "ferry-halfcrash");

        FerryProcess ferry = FerryProcess.start(config, "ferry-halfcrash-0");
        try {
            assertThat(send(kafka, "migrate", Map.of("toVersion", "1")).path("status").asText()).isEqualTo("SUCCEEDED");
            for (int done = 0; done < STATEMENTS; done++) {
                String interrupted = "halfcrash-migrate-" + UUID.randomUUID();
                kafka.request(interrupted, "migrate", "halfcrash", Map.of());
                int ranToTheEnd = done;
                // Statement done+1 is running (each sleeps a second on the server) when Ferry dies.
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                        .until(() -> count(LEDGER, "SELECT COUNT(*) FROM ferry_statement_progress WHERE target = 'halfcrash'"
                                + " AND state = 'DONE'") == ranToTheEnd && count(LEDGER, "SELECT COUNT(*) FROM ferry_statement_progress"
                                        + " WHERE target = 'halfcrash' AND state = 'STARTED'") == 1);
                ferry.kill();
                ferry = FerryProcess.start(config, "ferry-halfcrash-" + (done + 1));

                JsonNode stopped = kafka.awaitResult(interrupted, WAIT);
                assertThat(stopped.path("error").path("code").asText()).as("after statement %d", done).isEqualTo("INTERRUPTED");
                assertThat(stopped.path("error").path("message").asText()).contains("V2__six.sql");

                JsonNode finished = send(kafka, "migrate", Map.of());
                assertThat(finished.path("status").asText()).as("killed after statement %d: %s", done,
                        finished.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
                assertThat(finished.path("versionAfter").asText()).isEqualTo("2");
                for (int t = 1; t <= STATEMENTS; t++) {
                    assertThat(count(SCHEMA, "SELECT COUNT(*) FROM s" + t)).as("table s%d after a kill after statement %d", t, done)
                            .isEqualTo(1);
                }
                assertThat(count(SCHEMA, "SELECT COUNT(*) FROM flyway_schema_history WHERE version = '2' AND success = 1")).isEqualTo(1);

                assertThat(send(kafka, "revert", Map.of("force", true, "reason", "crash test")).path("status").asText())
                        .isEqualTo("SUCCEEDED");
            }
        } finally {
            ferry.stop();
        }
    }

    private static void writeScripts() throws Exception {
        Files.createDirectories(FOLDER);
        try (var files = Files.list(FOLDER)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.writeString(FOLDER.resolve("V1__base.sql"), "CREATE TABLE base (id INT PRIMARY KEY);\n");
        StringBuilder six = new StringBuilder();
        StringBuilder undo = new StringBuilder();
        for (int t = 1; t <= STATEMENTS; t++) {
            six.append("CREATE TABLE s").append(t).append(" (id INT PRIMARY KEY) SELECT 1 AS id FROM DUAL WHERE SLEEP(1) = 0;\n");
            undo.append("DROP TABLE s").append(t).append(";\n");
        }
        Files.writeString(FOLDER.resolve("V2__six.sql"), six.toString());
        Files.writeString(FOLDER.resolve("U2__six.sql"), undo.toString());
    }

    private static JsonNode send(KafkaTestClient kafka, String action, Map<String, Object> options) {
        String id = "halfcrash-" + action + "-" + UUID.randomUUID();
        kafka.request(id, action, "halfcrash", options);
        return kafka.awaitResult(id, WAIT);
    }

    private static long count(String schema, String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) {
                return 0;
            }
            throw e;
        }
    }
}
