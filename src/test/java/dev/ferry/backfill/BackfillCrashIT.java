package dev.ferry.backfill;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

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
import dev.ferry.support.KratosStub;
import dev.ferry.support.TestInfrastructure;

/**
 * Ferry killed with SIGKILL in the middle of a backfill, then started again: the redelivered
 * request continues with the users still unlinked, nobody is linked twice, and the final result
 * counts every user exactly once.
 */
class BackfillCrashIT {

    private static final String SCHEMA = "ferry_test_crash";

    @Test
    void aKilledBackfillResumesWithoutLinkingAnyoneTwice() throws Exception {
        Map<String, String> config = new EmbeddedServersResource().start();
        TestInfrastructure.addTarget(config, "crash", SCHEMA, "classpath:db/alkemio");
        for (int n = 1; n <= 300; n++) {
            KratosStub.instance().server().stubFor(get(urlPathEqualTo("/admin/identities"))
                    .withQueryParam("credentials_identifier", equalTo("user" + n + "@example.org"))
                    .willReturn(aResponse().withHeader("Content-Type", "application/json").withFixedDelay(40)
                            .withBody("[{\"id\":\"" + UserAuthIdBackfillTest.identity("crash-" + n) + "\",\"state\":\"active\"}]")));
        }
        KafkaTestClient kafka = KafkaTestClient.withTopicPrefix("crash-");
        config.putAll(kafka.topicConfig());
        config.put("mp.messaging.incoming.migration-requests.group.id", "ferry-crash");
        // Every user is looked up once (attempts = 1 below): a lookup slowed by a busy machine must not time out into a retry.
        config.put("ferry.kratos.timeout", "10s");

        FerryProcess first = FerryProcess.start(config, "ferry-crash-first");
        String migrate = "crash-migrate-" + UUID.randomUUID();
        kafka.request(migrate, "migrate", "crash", Map.of());
        assertThat(kafka.awaitResult(migrate, Duration.ofSeconds(60)).path("status").asText()).isEqualTo("SUCCEEDED");

        String runId = "crash-backfill-" + UUID.randomUUID();
        kafka.request(runId, "backfill", "crash", Map.of("options", Map.of("job", "user-authid", "batchSize", 20, "concurrency", 4)));
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> count("SELECT COUNT(*) FROM user_authid_backfill_audit WHERE run_id = '" + runId + "'") >= 40);
        first.kill();
        long auditedBeforeCrash = count("SELECT COUNT(*) FROM user_authid_backfill_audit WHERE run_id = '" + runId + "'");
        assertThat(auditedBeforeCrash).isBetween(40L, 299L);
        assertThat(kafka.results(runId)).isEmpty();

        FerryProcess second = FerryProcess.start(config, "ferry-crash-second");
        try {
            JsonNode result = kafka.awaitResult(runId, Duration.ofSeconds(120));

            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("backfill").path("total").asLong()).isEqualTo(300);
            assertThat(result.path("backfill").path("linked").asLong()).isEqualTo(300);
            assertThat(count("SELECT COUNT(*) FROM user_authid_backfill_audit WHERE run_id = '" + runId + "'")).isEqualTo(300);
            assertThat(count("SELECT COUNT(DISTINCT user_id) FROM user_authid_backfill_audit WHERE run_id = '" + runId + "'"))
                    .isEqualTo(300);
            assertThat(count("SELECT COUNT(*) FROM `user` WHERE authId IS NOT NULL")).isEqualTo(300);
            assertThat(count("SELECT MAX(attempts) FROM user_authid_backfill_audit WHERE run_id = '" + runId + "'")).isEqualTo(1);
            // One result, and no second one within two seconds.
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> kafka.results(runId).size() == 1);
        } finally {
            second.stop();
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
