package dev.ferry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.ferry.support.KafkaTestClient;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

/**
 * The README walk-through against the packaged application (the jar here; the native binary with
 * {@code -Dnative}): submit a migrate, read its result, resend it and get a duplicate.
 */
@QuarkusIntegrationTest
@org.junit.jupiter.api.extension.ExtendWith(dev.ferry.support.AsOperator.class)
class FerryIT {

    @Test
    void walkThrough() {
        String id = "it-" + UUID.randomUUID();
        String body = "{\"requestId\":\"" + id + "\",\"action\":\"migrate\",\"target\":\"plain\",\"requestedBy\":\"it\"}";

        given().contentType(ContentType.JSON).body(body).post("/api/requests").then().statusCode(202);
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/requests/" + id)
                .then().statusCode(200).body("status", equalTo("SUCCEEDED")));
        given().get("/api/requests/" + id).then().body("result.versionAfter", equalTo("2"));

        given().contentType(ContentType.JSON).body(body).post("/api/requests").then().statusCode(202);
        KafkaTestClient kafka = KafkaTestClient.get();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> kafka.results(id).size() == 2);
        org.assertj.core.api.Assertions.assertThat(kafka.results(id)).extracting(r -> r.path("duplicate").asBoolean())
                .containsExactly(false, true);
        given().get("/api/targets/plain/migrations").then().statusCode(200).body("state", org.hamcrest.Matchers.everyItem(equalTo("SUCCESS")));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
