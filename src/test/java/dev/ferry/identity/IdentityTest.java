package dev.ferry.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestTokens;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Every way in is authenticated: REST tokens must be minted for Ferry's audience, and a record on the
 * requests topic counts only with an operator's valid token; the requester is the token's, never the body's.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class IdentityTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void aTokenOfTheSameIssuerForAnotherAudienceIsRefused() {
        String otherService = TestTokens.withRoles("ci", List.of("operator"), Duration.ofMinutes(5), "billing-service");
        given().auth().oauth2(otherService).get("/api/targets").then().statusCode(401).body("code", equalTo("UNAUTHENTICATED"));
        String noAudience = TestTokens.withRoles("ci", List.of("operator"), Duration.ofMinutes(5), null);
        given().auth().oauth2(noAudience).get("/api/targets").then().statusCode(401);
        given().auth().oauth2(TestTokens.operator()).get("/api/targets").then().statusCode(200);
    }

    @Test
    void aRecordWithoutAValidOperatorTokenIsRejectedAndNothingRuns() {
        String[][] cases = {
                { "none", null },
                { "not-bearer", "Basic b3BlcmF0b3I6c2VjcmV0" },
                { "garbage", "Bearer not.a.token" },
                { "viewer", "Bearer " + TestTokens.viewer() },
                { "other-audience", "Bearer " + TestTokens.withRoles("ci", List.of("operator"), Duration.ofMinutes(5), "billing") },
                { "expired", "Bearer " + TestTokens.withRoles("ci", List.of("operator"), Duration.ofMinutes(-10), "ferry") },
        };
        for (String[] c : cases) {
            String id = "unauth-" + c[0] + "-" + UUID.randomUUID();
            kafka.sendWithAuthorization("plain", migrate(id, "mallory"), c[1]);
            JsonNode result = kafka.awaitResult(id, WAIT);
            assertThat(result.path("status").asText()).as(c[0]).isEqualTo("REJECTED");
            assertThat(result.path("error").path("code").asText()).as(c[0]).isEqualTo("UNAUTHENTICATED");
            // Nothing was recorded either: the id is still free for its real owner.
            given().auth().oauth2(TestTokens.operator()).get("/api/requests/" + id).then().statusCode(404);
        }
    }

    @Test
    void theRequesterIsTheTokensSubjectOverKafkaAndRest() {
        String overKafka = "who-kafka-" + UUID.randomUUID();
        kafka.sendWithAuthorization("plain", info(overKafka, "mallory"), "Bearer " + TestTokens.withRoles("pipeline-bot",
                List.of("operator"), Duration.ofMinutes(5), "ferry"));
        assertThat(kafka.awaitResult(overKafka, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
        given().auth().oauth2(TestTokens.viewer()).get("/api/requests/" + overKafka).then().body("requestedBy", equalTo("pipeline-bot"));

        String overRest = "who-rest-" + UUID.randomUUID();
        given().auth().oauth2(TestTokens.operator()).contentType(ContentType.JSON)
                .body(new String(info(overRest, "mallory"), StandardCharsets.UTF_8)).post("/api/requests").then().statusCode(202);
        Awaitility.await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.viewer()).get("/api/requests/" + overRest)
                .then().statusCode(200).body("status", equalTo("SUCCEEDED")).body("requestedBy", equalTo("test-operator")));
    }

    private static byte[] migrate(String id, String requestedBy) {
        return ("{\"requestId\":\"" + id + "\",\"action\":\"migrate\",\"target\":\"plain\",\"force\":true,\"requestedBy\":\""
                + requestedBy + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] info(String id, String requestedBy) {
        return ("{\"requestId\":\"" + id + "\",\"action\":\"info\",\"target\":\"plain\",\"requestedBy\":\"" + requestedBy + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
