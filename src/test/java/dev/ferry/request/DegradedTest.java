package dev.ferry.request;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Ferry with a target it cannot reach and short retry bounds: honest, quiet about internals, and visibly stalled when it is. */
@QuarkusTest
@Tag(Tags.QUARKUS)
@TestProfile(DegradedTest.Degraded.class)
class DegradedTest {

    public static class Degraded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "ferry.requests.transient-retry-for", "2s",
                    "ferry.requests.stall-after", "1s",
                    "ferry.targets.unreachable.jdbc-url", "jdbc:mariadb://127.0.0.1:1/ferry_unreachable?connectTimeout=500",
                    "ferry.targets.unreachable.username", "secret_migrator",
                    "ferry.targets.unreachable.password", "secret-password",
                    "ferry.targets.unreachable.locations", "filesystem:${ferry.test.scripts-dir}/plain");
        }
    }

    @Test
    void aTargetThatCannotBeReachedIsReportedWithoutTheDriversWords() {
        String targets = given().auth().oauth2(TestTokens.viewer()).get("/api/targets").then().statusCode(200)
                .body("find { it.name == 'unreachable' }.error", org.hamcrest.Matchers.startsWith("TARGET_UNAVAILABLE"))
                .extract().asString();
        String migrations = given().auth().oauth2(TestTokens.viewer()).get("/api/targets/unreachable/migrations").then().statusCode(503)
                .body("code", equalTo("TARGET_UNAVAILABLE")).extract().asString();
        for (String answer : new String[] { targets, migrations }) {
            assertThat(answer).doesNotContain("127.0.0.1").doesNotContain("port=").doesNotContain("secret_migrator")
                    .doesNotContain("Connection refused");
        }
    }

    @Test
    void aRecordWhoseLedgerWritesOutlastTheRetryBoundMakesFerryUnready() throws Exception {
        given().get("/q/health/ready").then().statusCode(200);
        // The ledger refuses these results with an error the driver calls transient, for as long as the trigger lives.
        TestInfrastructure.execute("ferry_test", "CREATE TRIGGER stall_results BEFORE UPDATE ON ferry_request FOR EACH ROW"
                + " IF NEW.request_id LIKE 'stalled-%' AND NEW.result IS NOT NULL THEN"
                + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger busy'; END IF");
        try {
            KafkaTestClient.get().request("stalled-" + UUID.randomUUID(), "info", "plain", new HashMap<>());
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'ferry-request-partitions' }.status", equalTo("DOWN")));
        } finally {
            TestInfrastructure.execute("ferry_test", "DROP TRIGGER stall_results");
        }
    }
}
