package dev.ferry.request;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.AsOperator;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** A requestId names one request: re-sent unchanged it is answered from the ledger, re-used for other work it is refused. */
@QuarkusTest
@Tag(Tags.QUARKUS)
@ExtendWith(AsOperator.class)
class IdempotencyTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void aReusedRequestIdWithOtherWorkIsRefusedOverKafkaAndTheStoredResultStays() {
        String id = "idem-kafka-" + UUID.randomUUID();
        kafka.request(id, "info", "plain", new HashMap<>());
        assertThat(kafka.awaitResult(id, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");

        kafka.request(id, "migrate", "plain", new HashMap<>(Map.of("dryRun", true, "reason", "another release")));
        JsonNode conflict = kafka.awaitResults(id, 2, WAIT).get(1);
        assertThat(conflict.path("status").asText()).isEqualTo("REJECTED");
        assertThat(conflict.path("error").path("code").asText()).isEqualTo("IDEMPOTENCY_CONFLICT");
        assertThat(conflict.path("error").path("details").path("fields")).extracting(JsonNode::asText).containsExactly("action", "dryRun");
        given().get("/api/requests/" + id).then().body("action", equalTo("info")).body("result.status", equalTo("SUCCEEDED"))
                .body("result.error", org.hamcrest.Matchers.nullValue());

        // Who sent it and why do not make it another request.
        kafka.request(id, "info", "plain", new HashMap<>(Map.of("reason", "said differently", "dryRun", false)));
        JsonNode again = kafka.awaitResults(id, 3, WAIT).get(2);
        assertThat(again.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(again.path("duplicate").asBoolean()).isTrue();
    }

    @Test
    void aReusedRequestIdWithOtherWorkIsA409OverRest() {
        String id = "idem-rest-" + UUID.randomUUID();
        String body = "{\"requestId\":\"" + id + "\",\"action\":\"info\",\"target\":\"plain\"}";
        given().contentType(ContentType.JSON).body(body).post("/api/requests").then().statusCode(202);
        Awaitility.await().atMost(WAIT).untilAsserted(() -> given().get("/api/requests/" + id).then().statusCode(200)
                .body("status", equalTo("SUCCEEDED")));

        given().contentType(ContentType.JSON).body("{\"requestId\":\"" + id + "\",\"action\":\"info\",\"target\":\"alkemio\"}")
                .post("/api/requests").then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("IDEMPOTENCY_CONFLICT")).body("detail", containsString("target"));
        given().contentType(ContentType.JSON).body(body).post("/api/requests").then().statusCode(202);
    }
}
