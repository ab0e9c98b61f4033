package dev.ferry.request;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The REST surface over the ledger and the targets; every error is problem+json with a stable code. */
@QuarkusTest
@Tag(Tags.QUARKUS)
@org.junit.jupiter.api.extension.ExtendWith(dev.ferry.support.AsOperator.class)
class RequestRestTest {

    @Test
    void submittedRequestIsPublishedRunAndReadableFromTheLedger() {
        String id = "rest-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body("{\"requestId\":\"" + id + "\",\"action\":\"info\",\"target\":\"plain\",\"requestedBy\":\"rest-test\"}")
                .when().post("/api/requests")
                .then().statusCode(202)
                .header("Location", startsWith("http"))
                .body("requestId", equalTo(id))
                .body("location", equalTo("/api/requests/" + id));

        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/requests/" + id)
                .then().statusCode(200).body("status", equalTo("SUCCEEDED")));
        given().get("/api/requests/" + id).then()
                // The identity is the token's, not what the body claims.
                .body("requestedBy", equalTo("test-operator"))
                .body("result.requestId", equalTo(id))
                .body("result.migrations.script", hasItem("V1__create_items.sql"));
    }

    @Test
    void listIsNewestFirstFilteredAndPagedByCursor() {
        String target = "plain";
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON)
                    .body("{\"requestId\":\"page-" + i + "-" + UUID.randomUUID() + "\",\"action\":\"info\",\"target\":\"" + target + "\"}")
                    .post("/api/requests").then().statusCode(202);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> given()
                .queryParam("target", target).queryParam("action", "info").queryParam("limit", 500)
                .get("/api/requests").jsonPath().getList("items").size() >= 3);

        String firstPageLast = given().queryParam("target", target).queryParam("limit", 2).get("/api/requests")
                .then().statusCode(200).body("items.size()", equalTo(2)).body("nextCursor", notNullValue())
                .extract().path("items[1].requestId");
        String cursor = given().queryParam("target", target).queryParam("limit", 2).get("/api/requests").path("nextCursor");
        String secondPageFirst = given().queryParam("target", target).queryParam("limit", 2).queryParam("after", cursor)
                .get("/api/requests").then().statusCode(200).extract().path("items[0].requestId");

        org.assertj.core.api.Assertions.assertThat(secondPageFirst).isNotEqualTo(firstPageLast);
        given().queryParam("status", "SUCCEEDED").queryParam("target", "no-such-target").get("/api/requests")
                .then().statusCode(200).body("items.size()", equalTo(0)).body("nextCursor", nullValue());
    }

    @Test
    void badSubmissionsAreProblemsNamingWhatIsWrong() {
        problem(given().contentType(ContentType.JSON).body("{\"requestId\":\"x\",\"action\":\"fly\",\"target\":\"plain\"}")
                .post("/api/requests"), 400, "INVALID_REQUEST");
        problem(given().contentType(ContentType.JSON).body("{\"requestId\":\"x\",\"action\":\"migrate\",\"target\":\"mars\"}")
                .post("/api/requests"), 400, "UNKNOWN_TARGET");
        problem(given().contentType(ContentType.JSON).body("{\"requestId\":\"a b\",\"action\":\"migrate\",\"target\":\"plain\"}")
                .post("/api/requests"), 400, "INVALID_REQUEST");
        problem(given().contentType(ContentType.JSON).body("{\"requestId\":").post("/api/requests"), 400, "INVALID_REQUEST");
        problem(given().contentType(ContentType.JSON).body("{\"requestId\":\"x\",\"action\":\"migrate\",\"target\":\"plain\",\"steps\":\"two\"}")
                .post("/api/requests"), 400, "INVALID_REQUEST");
        problem(given().contentType(ContentType.JSON).post("/api/requests"), 400, "INVALID_REQUEST");
        problem(given().contentType(ContentType.TEXT).body("hello").post("/api/requests"), 415, "UNSUPPORTED_MEDIA_TYPE");
        // Found by the reliability suite: a key given twice is refused over REST as it is on Kafka.
        problem(given().contentType(ContentType.JSON).body("{\"requestId\":\"a1\",\"requestId\":\"b1\",\"action\":\"info\",\"target\":\"plain\"}")
                .post("/api/requests"), 400, "INVALID_REQUEST");
        // Found by the reliability suite: request ids name artifact folders, so "." and ".." must never be ids.
        for (String dots : new String[] { ".", "..", "..." }) {
            problem(given().contentType(ContentType.JSON).body("{\"requestId\":\"" + dots + "\",\"action\":\"validate\",\"target\":\"plain\"}")
                    .post("/api/requests"), 400, "INVALID_REQUEST");
        }
    }

    @Test
    void badQueryParametersAreProblemsNamingTheParameter() {
        problem(given().queryParam("limit", 0).get("/api/requests"), 400, "INVALID_REQUEST")
                .body("errors.field", contains("limit"));
        problem(given().queryParam("limit", 501).get("/api/requests"), 400, "INVALID_REQUEST");
        problem(given().queryParam("after", "not-a-cursor").get("/api/requests"), 400, "INVALID_REQUEST")
                .body("detail", startsWith("Parameter 'after'"));
        problem(given().queryParam("status", "DONE").get("/api/requests"), 400, "INVALID_REQUEST")
                .body("detail", startsWith("Parameter 'status'"));
        problem(given().queryParam("action", "fly").get("/api/requests"), 400, "INVALID_REQUEST");
        // An event stream for an id that can never exist is refused, not held open for hours.
        problem(given().get("/api/requests/" + "z".repeat(200) + "/events"), 400, "INVALID_REQUEST");
    }

    @Test
    void unknownThingsAreNotFoundProblems() {
        problem(given().get("/api/requests/never-sent"), 404, "REQUEST_NOT_FOUND");
        problem(given().get("/api/targets/mars/migrations"), 404, "TARGET_NOT_FOUND");
        problem(given().get("/api/nothing-here"), 404, "NOT_FOUND");
    }

    @Test
    void targetsShowTheirScripts() {
        given().get("/api/targets").then().statusCode(200)
                .body("name", hasItem("alkemio"))
                .body("find { it.name == 'plain' }.pending", notNullValue());
        given().get("/api/targets/plain/migrations").then().statusCode(200)
                .body("script", hasItem("V2__insert_items.sql"));
    }

    @Test
    void healthAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/requests"));
    }

    private static io.restassured.response.ValidatableResponse problem(io.restassured.response.Response response, int status,
            String code) {
        return response.then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("code", equalTo(code))
                .body("title", notNullValue())
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("stackTrace")));
    }
}
