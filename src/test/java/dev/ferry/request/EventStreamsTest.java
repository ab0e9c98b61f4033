package dev.ferry.request;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/** Event streams are bounded: none for an id that does not exist, a few per caller, a cap for everyone. */
@QuarkusTest
@Tag(Tags.QUARKUS)
class EventStreamsTest {

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aStreamForAnIdThatNeverArrivesIsA404() {
        given().auth().oauth2(TestTokens.viewer()).accept("text/event-stream").get("/api/requests/never-sent-" + UUID.randomUUID() + "/events")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("REQUEST_NOT_FOUND"));
    }

    @Test
    void eachCallerAndTheInstanceHoldOnlySoManyStreams() throws Exception {
        String id = runningRequest();
        List<InputStream> open = new ArrayList<>();
        try {
            String alice = TestTokens.withRoles("alice", List.of("viewer"), Duration.ofMinutes(5));
            for (int i = 0; i < 5; i++) {
                open.add(stream(id, alice));
            }
            HttpResponse<String> sixth = refused(id, alice);
            assertThat(sixth.statusCode()).isEqualTo(429);
            assertThat(sixth.body()).contains("TOO_MANY_STREAMS");

            String bob = TestTokens.withRoles("bob", List.of("viewer"), Duration.ofMinutes(5));
            for (int i = 0; i < 3; i++) {
                open.add(stream(id, bob));
            }
            String carol = TestTokens.withRoles("carol", List.of("viewer"), Duration.ofMinutes(5));
            assertThat(refused(id, carol).statusCode()).as("the instance-wide cap of 8").isEqualTo(429);

            open.remove(0).close();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                HttpResponse<InputStream> again = http.send(request(id, carol), HttpResponse.BodyHandlers.ofInputStream());
                if (again.statusCode() == 200) {
                    open.add(again.body());
                    return true;
                }
                again.body().close();
                return false;
            });
        } finally {
            for (InputStream stream : open) {
                stream.close();
            }
            TestInfrastructure.execute("ferry_test", "UPDATE ferry_request SET status = 'FAILED', result = '{}' WHERE request_id = '" + id + "'");
        }
    }

    /** A request some other instance is running, so its streams stay open. */
    private static String runningRequest() throws Exception {
        String id = "streamed-" + UUID.randomUUID();
        try (Connection c = TestInfrastructure.connect("ferry_test"); PreparedStatement ps = c.prepareStatement("INSERT INTO ferry_request"
                + " (request_id, action, target, status, payload, received_at, started_at, instance, heartbeat_at)"
                + " VALUES (?, 'info', 'plain', 'RUNNING', '{}', UTC_TIMESTAMP(), UTC_TIMESTAMP(), 'elsewhere', UTC_TIMESTAMP())")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        return id;
    }

    private InputStream stream(String id, String token) throws Exception {
        HttpResponse<InputStream> response = http.send(request(id, token), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> refused(String id, String token) throws Exception {
        return http.send(request(id, token), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String id, String token) {
        return HttpRequest.newBuilder(URI.create(base.toString()).resolve("/api/requests/" + id + "/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).GET()
                .build();
    }
}
