package dev.ferry.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/** Requests in through the real broker, migrations on the real MariaDB, results out. */
@QuarkusTest
@Tag(Tags.QUARKUS)
class RequestProcessingTest {

    private static final Duration RESULT_WAIT = Duration.ofSeconds(60);

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void migrateAppliesEveryPendingScriptOfTheExampleTarget() throws SQLException {
        String id = id("migrate");
        kafka.request(id, "migrate", "alkemio", Map.of("requestedBy", "test"));

        JsonNode result = kafka.awaitResult(id, RESULT_WAIT);

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("duplicate").asBoolean()).isFalse();
        assertThat(result.path("versionAfter").asText()).isEqualTo("6");
        assertThat(result.path("migrations")).extracting(m -> m.path("script").asText())
                .containsExactly("V1__profile_and_user.sql", "V2__agent_and_credential.sql", "V3__seed_example_users.sql",
                        "V4__user_authid.sql", "V5__user_authid_backfill_audit.sql", "V6__user_authid_backfill_audit_archive.sql");
        assertThat(count("ferry_test_alkemio", "SELECT COUNT(*) FROM `user`")).isEqualTo(300);
        assertThat(count("ferry_test", "SELECT COUNT(*) FROM ferry_request WHERE request_id = '" + id
                + "' AND status = 'SUCCEEDED' AND published_at IS NOT NULL")).isEqualTo(1);
    }

    @Test
    void dryRunReturnsTheOrderedPlanAndChangesNothing() throws SQLException {
        String id = id("dry");
        kafka.request(id, "migrate", "plain", Map.of("dryRun", true));

        JsonNode result = kafka.awaitResult(id, RESULT_WAIT);

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("plan")).extracting(p -> p.path("script").asText())
                .containsExactly("V1__create_items.sql", "V2__insert_items.sql");
        assertThat(result.path("plan").get(1).path("sql").asText()).contains("INSERT INTO item");
        assertThat(count("ferry_test_plain", "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'ferry_test_plain'"
                + " AND table_name = 'item'")).isZero();
    }

    @Test
    void aDryRunTooLargeForOneEventIsPublishedWithThePlanTrimmedAndKeptWhole() throws Exception {
        java.nio.file.Path folder = java.nio.file.Path.of("target/test-work/huge");
        java.nio.file.Files.createDirectories(folder);
        StringBuilder rows = new StringBuilder("CREATE TABLE huge (id INT PRIMARY KEY, v VARCHAR(100));\n");
        for (int i = 0; i < 30_000; i++) {
            rows.append("INSERT INTO huge VALUES (").append(i).append(", 'a value long enough to make the script large');\n");
        }
        java.nio.file.Files.writeString(folder.resolve("V1__huge.sql"), rows);
        String id = id("huge");
        kafka.request(id, "migrate", "huge", Map.of("dryRun", true));

        JsonNode result = kafka.awaitResult(id, RESULT_WAIT);

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("plan").get(0).path("sql").asText()).contains("characters omitted from the event");
        assertThat(count("ferry_test", "SELECT LENGTH(result) FROM ferry_request WHERE request_id = '" + id + "'"))
                .isGreaterThan(1_000_000);
    }

    @Test
    void infoListsEveryScriptWithItsState() {
        String id = id("info");
        kafka.request(id, "info", "plain", Map.of());

        JsonNode result = kafka.awaitResult(id, RESULT_WAIT);

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("migrations")).extracting(m -> m.path("script").asText() + "=" + m.path("state").asText())
                .contains("V1__create_items.sql=PENDING", "V2__insert_items.sql=PENDING");
    }

    @Test
    void failingScriptIsReportedWithTheServerMessageAlertedAndRepairable() throws SQLException {
        String id = id("broken");
        kafka.request(id, "migrate", "broken", Map.of());

        JsonNode result = kafka.awaitResult(id, RESULT_WAIT);

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("MIGRATION_FAILED");
        assertThat(result.path("error").path("migration").asText()).isEqualTo("V2__half_applied.sql");
        assertThat(result.path("error").path("message").asText()).contains("no_such_table");
        assertThat(result.path("versionAfter").asText()).isEqualTo("1");
        kafka.awaitAlerts(id, 1, RESULT_WAIT);
        assertThat(kafka.alerts(id).get(0).path("severity").asText()).isEqualTo("critical");

        // The history records V2 as failed after two statements: another migrate continues at statement 3 (statements 1-2 are
        // not run again) and, the script being unchanged, fails there again.
        assertThat(result.path("error").path("details").path("statementsApplied")).hasSize(2);
        String again = id("broken-again");
        kafka.request(again, "migrate", "broken", Map.of());
        JsonNode failedAgain = kafka.awaitResult(again, RESULT_WAIT);
        assertThat(failedAgain.path("status").asText()).isEqualTo("FAILED");
        assertThat(failedAgain.path("error").path("details").path("statementIndex").asInt()).isEqualTo(3);
        assertThat(failedAgain.path("migrations").get(0).path("statements").isMissingNode()).as("nothing ran again").isTrue();

        String noReason = id("repair-no-reason");
        kafka.request(noReason, "repair", "broken", Map.of());
        assertThat(kafka.awaitResult(noReason, RESULT_WAIT).path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");

        String repair = id("repair");
        kafka.request(repair, "repair", "broken", Map.of("reason", "V2 fixed by hand"));
        JsonNode repaired = kafka.awaitResult(repair, RESULT_WAIT);
        assertThat(repaired.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(count("ferry_test_broken", "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 0")).isZero();
    }

    @Test
    void sameRecordTwiceRunsOnceAndAnswersTwiceTheSecondMarkedDuplicate() throws SQLException {
        String id = id("dup");
        String json = "{\"requestId\":\"" + id + "\",\"action\":\"info\",\"target\":\"plain\"}";
        kafka.send("plain", json);
        kafka.send("plain", json);

        List<JsonNode> results = kafka.awaitResults(id, 2, RESULT_WAIT);

        assertThat(results).extracting(r -> r.path("duplicate").asBoolean()).containsExactly(false, true);
        assertThat(results.get(1).path("finishedAt").asText()).isEqualTo(results.get(0).path("finishedAt").asText());
        assertThat(count("ferry_test", "SELECT deliveries FROM ferry_request WHERE request_id = '" + id + "'")).isEqualTo(2);
    }

    @Test
    void malformedBytesGoToTheDeadLetterTopicAndTheConsumerCarriesOn() {
        String key = id("garbage");
        kafka.send(key, new byte[] { '{', '"', 'x', (byte) 0xff, ':' });
        String next = id("after-garbage");
        kafka.request(next, "info", "plain", Map.of());

        assertThat(kafka.awaitResult(next, RESULT_WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
        List<ConsumerRecord<String, byte[]>> dead = kafka.awaitDeadLetters(key, RESULT_WAIT);
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).headers().lastHeader("ferry-error-code").value(), StandardCharsets.UTF_8))
                .isEqualTo("UNPARSEABLE");
        assertThat(dead.get(0).headers().lastHeader("ferry-error-message")).isNotNull();
        assertThat(dead.get(0).value()).containsExactly('{', '"', 'x', (byte) 0xff, ':');
    }

    @Test
    void aKeyGivenTwiceIsDeadLettered() {
        String key = id("twice");
        kafka.send(key, "{\"requestId\":\"" + key + "\",\"requestId\":\"other\",\"action\":\"info\",\"target\":\"plain\"}");

        List<ConsumerRecord<String, byte[]>> dead = kafka.awaitDeadLetters(key, RESULT_WAIT);
        assertThat(new String(dead.get(0).headers().lastHeader("ferry-error-code").value(), StandardCharsets.UTF_8))
                .isEqualTo("UNPARSEABLE");
        assertThat(kafka.results(key)).isEmpty();
    }

    @Test
    void aDeadLetterNearTheBrokersLimitIsCutToFitAndTheConsumerCarriesOn() {
        // Found by the reliability suite: the raw bytes plus the error headers exceeded 1 MB, so the
        // dead letter was refused on every retry and the partition stalled.
        String key = id("huge-garbage");
        byte[] huge = ("{\"requestId\":\"x\",\"reason\":\"" + "y".repeat(1_000_000)).getBytes(StandardCharsets.UTF_8);
        kafka.send(key, huge);
        String next = id("after-huge-garbage");
        kafka.request(next, "info", "plain", Map.of());

        assertThat(kafka.awaitResult(next, RESULT_WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
        List<ConsumerRecord<String, byte[]>> dead = kafka.awaitDeadLetters(key, RESULT_WAIT);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).hasSizeLessThan(huge.length);
        assertThat(new String(dead.get(0).headers().lastHeader("ferry-original-size").value(), StandardCharsets.UTF_8))
                .isEqualTo(String.valueOf(huge.length));
    }

    @Test
    void invalidRequestsAreRejectedWithAClearCode() {
        String unknownAction = id("bad-action");
        kafka.request(unknownAction, "explode", "plain", Map.of());
        String unknownTarget = id("bad-target");
        kafka.request(unknownTarget, "migrate", "nowhere", Map.of());
        String wrongType = id("bad-type");
        kafka.send("plain", "{\"requestId\":\"" + wrongType + "\",\"action\":\"migrate\",\"target\":\"plain\",\"steps\":\"many\"}");
        String badVersion = id("bad-version");
        kafka.request(badVersion, "migrate", "plain", Map.of("toVersion", "latest; DROP TABLE x"));

        assertThat(rejection(unknownAction)).isEqualTo("INVALID_REQUEST");
        assertThat(rejection(unknownTarget)).isEqualTo("UNKNOWN_TARGET");
        assertThat(rejection(wrongType)).isEqualTo("INVALID_REQUEST");
        assertThat(rejection(badVersion)).isEqualTo("INVALID_REQUEST");
    }

    @Test
    void invalidRequestIdIsRejectedWithoutALedgerEntry() throws SQLException {
        String marker = id("no-id");
        kafka.send("plain", "{\"requestId\":\"has spaces " + marker + "\",\"action\":\"info\",\"target\":\"plain\"}");

        JsonNode result = kafka.awaitResult("has spaces " + marker, RESULT_WAIT);

        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("message").asText()).contains("requestId");
        assertThat(count("ferry_test", "SELECT COUNT(*) FROM ferry_request WHERE request_id LIKE '%" + marker + "'")).isZero();
    }

    @Test
    void twoRequestsForOneTargetAtOnceAreSerializedByTheTargetLock() throws SQLException {
        // Different record keys put them on different partitions: only the database lock serialises them.
        String first = id("serial-a");
        String second = id("serial-b");
        kafka.send(keyForOtherPartition("serial", 0), "{\"requestId\":\"" + first + "\",\"action\":\"migrate\",\"target\":\"serial\"}");
        kafka.send(keyForOtherPartition("serial", 1), "{\"requestId\":\"" + second + "\",\"action\":\"migrate\",\"target\":\"serial\"}");

        JsonNode a = kafka.awaitResult(first, RESULT_WAIT);
        JsonNode b = kafka.awaitResult(second, RESULT_WAIT);

        assertThat(a.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(b.path("status").asText()).isEqualTo("SUCCEEDED");
        List<String> applied = new ArrayList<>();
        a.path("migrations").forEach(m -> applied.add(m.path("script").asText()));
        b.path("migrations").forEach(m -> applied.add(m.path("script").asText()));
        assertThat(applied).containsExactlyInAnyOrder("V1__first.sql", "V2__second.sql");
        assertThat(count("ferry_test_serial", "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")).isEqualTo(2);
    }

    @Test
    void aLockHeldElsewhereEndsInLockTimeoutNotAHang() throws SQLException {
        try (Connection holder = TestInfrastructure.connect("ferry_test");
                PreparedStatement lock = holder.prepareStatement("SELECT GET_LOCK('ferry:locked', 0)")) {
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            String id = id("locked");
            kafka.request(id, "migrate", "locked", Map.of());

            JsonNode result = kafka.awaitResult(id, RESULT_WAIT);

            assertThat(result.path("status").asText()).isEqualTo("REJECTED");
            assertThat(result.path("error").path("code").asText()).isEqualTo("LOCK_TIMEOUT");
        }
        assertThat(count("ferry_test_locked", "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'ferry_test_locked'"
                + " AND table_name = 'lockable'")).isZero();
    }

    @Test
    void aMigrationFarLongerThanThePollIntervalRunsOnceWithoutRebalance() throws Exception {
        String id = id("slow");
        kafka.request(id, "migrate", "slow", Map.of());

        JsonNode result = kafka.awaitResult(id, Duration.ofSeconds(90));
        // A rebalance would redeliver the record and publish a second (duplicate) result: none comes for 3 s.
        org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> kafka.results(id).size() == 1);

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(count("ferry_test", "SELECT deliveries FROM ferry_request WHERE request_id = '" + id + "'")).isEqualTo(1);
        assertThat(count("ferry_test_slow", "SELECT COUNT(*) FROM flyway_schema_history WHERE script = 'V1__slow_backfill.sql'"))
                .isEqualTo(1);
    }

    @Test
    void aRequestLeftRunningByADeadInstanceIsFinishedHonestly() throws Exception {
        // What a crash leaves: V1 applied, V2 recorded as failed half-way, the ledger entry RUNNING
        // with a heartbeat long stopped.
        String id = id("crashed");
        String v1 = id("recovery-v1");
        kafka.request(v1, "migrate", "recovery", Map.of("toVersion", "1"));
        assertThat(kafka.awaitResult(v1, RESULT_WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
        LocalDateTime started = LocalDateTime.now(ZoneOffset.UTC).minusMinutes(2);
        try (Connection target = TestInfrastructure.connect("ferry_test_recovery"); Statement s = target.createStatement()) {
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, installed_on, execution_time, success) VALUES (2, '2', 'running at crash', 'SQL',"
                    + " 'V2__running_at_crash.sql', 0, 'root', UTC_TIMESTAMP(), 10, 0)");
        }
        try (Connection ledger = TestInfrastructure.connect("ferry_test");
                PreparedStatement ps = ledger.prepareStatement("INSERT INTO ferry_request (request_id, action, target, status,"
                        + " payload, received_at, started_at, instance, heartbeat_at) VALUES (?, 'migrate', 'recovery', 'RUNNING', ?,"
                        + " ?, ?, 'dead-instance', ?)")) {
            ps.setString(1, id);
            // The request as the dead instance stored it (a re-sent id is compared with it).
            ps.setString(2, "{\"requestId\":\"" + id + "\",\"action\":\"migrate\",\"target\":\"recovery\"}");
            ps.setObject(3, started);
            ps.setObject(4, started);
            ps.setObject(5, started);
            ps.executeUpdate();
        }

        kafka.request(id, "migrate", "recovery", Map.of());
        JsonNode result = kafka.awaitResult(id, RESULT_WAIT);

        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("NEEDS_REPAIR");
        assertThat(result.path("error").path("migration").asText()).isEqualTo("V2__running_at_crash.sql");
        assertThat(result.path("duplicate").asBoolean()).isFalse();
    }

    private String rejection(String requestId) {
        JsonNode result = kafka.awaitResult(requestId, RESULT_WAIT);
        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        return result.path("error").path("code").asText();
    }

    /** A record key that the default partitioner maps to a different partition for each index. */
    private static String keyForOtherPartition(String base, int index) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; ; i++) {
            String key = base + "-" + i;
            int partition = org.apache.kafka.common.utils.Utils.toPositive(
                    org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 4;
            if (seen.add(partition) && seen.size() == index + 1) {
                return key;
            }
        }
    }

    private static long count(String schema, String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String id(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
