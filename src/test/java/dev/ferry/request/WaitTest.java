package dev.ferry.request;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.AsOperator;
import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** {@code ?wait=}: a pipeline submits and waits in one call, with no polling of its own. */
@QuarkusTest
@Tag(Tags.QUARKUS)
@org.junit.jupiter.api.extension.ExtendWith(AsOperator.class)
class WaitTest {

    @Test
    void aSubmitThatFinishesWithinItsWaitAnswersWithTheResult() {
        String id = "wait-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(request(id, "info", "plain")).queryParam("wait", 30)
                .when().post("/api/requests")
                .then().statusCode(200)
                .body("requestId", equalTo(id))
                .body("status", equalTo("SUCCEEDED"))
                .body("result.requestId", equalTo(id));
    }

    @Test
    void aWaitThatEndsFirstAnswersWithTheCurrentStateThenAWaitingGetWithTheFinalOne() throws Exception {
        String id = "wait-held-" + UUID.randomUUID();
        // The target lock held elsewhere keeps the migrate RUNNING (held waits up to 60 s for it).
        try (Connection holder = TestInfrastructure.connect("ferry_test");
                PreparedStatement lock = holder.prepareStatement("SELECT GET_LOCK('ferry:held', 0)")) {
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            given().contentType(ContentType.JSON).body(request(id, "migrate", "held")).queryParam("wait", 1)
                    .when().post("/api/requests")
                    .then().statusCode(202).body("requestId", equalTo(id));

            long started = System.nanoTime();
            given().queryParam("wait", 2).get("/api/requests/" + id).then().statusCode(200).body("status", equalTo("RUNNING"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));

            CompletableFuture<Response> waiting = CompletableFuture.supplyAsync(() -> given(TestTokens.asOperator())
                    .queryParam("wait", 60).get("/api/requests/" + id));
            release(holder);
            Response done = waiting.get(60, TimeUnit.SECONDS);
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.jsonPath().getString("status")).isEqualTo("SUCCEEDED");
            assertThat(done.jsonPath().getString("result.requestId")).isEqualTo(id);
        }
    }

    @Test
    void anIdThatNeverComesIsNotFoundOnceTheWaitEnds() {
        long started = System.nanoTime();
        given().queryParam("wait", 1).get("/api/requests/never-" + UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("REQUEST_NOT_FOUND"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void badWaitsAreRefusedNamingTheParameter() {
        for (String wait : new String[] { "61", "-1", "ten", "1.5" }) {
            given().queryParam("wait", wait).get("/api/requests/any")
                    .then().statusCode(400).body("code", equalTo("INVALID_REQUEST")).body("errors[0].field", equalTo("wait"));
            given().contentType(ContentType.JSON).body(request("w-" + UUID.randomUUID(), "info", "plain")).queryParam("wait", wait)
                    .post("/api/requests").then().statusCode(400).body("errors[0].field", equalTo("wait"));
        }
    }

    @Test
    void waitingCallsAreCappedLikeEventStreams() throws Exception {
        // ferry.events.max-streams-per-caller (5): of six waiting calls of one caller at once, one is refused at once.
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> given(TestTokens.asOperator()).queryParam("wait", 6)
                        .get("/api/requests/never-" + UUID.randomUUID()).statusCode(), callers));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<Integer> call : calls) {
                statuses.add(call.get(30, TimeUnit.SECONDS));
            }
            assertThat(statuses).containsOnly(404, 429).filteredOn(status -> status == 429).hasSize(1);
        } finally {
            callers.shutdownNow();
        }
    }

    private static void release(Connection holder) throws SQLException {
        try (PreparedStatement unlock = holder.prepareStatement("SELECT RELEASE_LOCK('ferry:held')")) {
            unlock.executeQuery().close();
        }
    }

    private static String request(String id, String action, String target) {
        return "{\"requestId\":\"" + id + "\",\"action\":\"" + action + "\",\"target\":\"" + target + "\"}";
    }
}
