package dev.ferry.alert;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.KratosStub;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/** Alerts reach Kafka and an Alertmanager stub (through an outage), and the Prometheus metrics move with real requests. */
@QuarkusTest
@Tag(Tags.QUARKUS)
class ObservabilityTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final WireMockServer alertmanager = KratosStub.instance().server();

    @Test
    void aStuckRequestIsAlertedOnKafkaAndToTheWebhookThroughAnOutage() throws Exception {
        String id = "stuck-" + UUID.randomUUID();
        alertmanager.stubFor(post(urlPathEqualTo("/api/v2/alerts")).atPriority(1).inScenario(id)
                .withRequestBody(matchingJsonPath("$[0].annotations.requestId", com.github.tomakehurst.wiremock.client.WireMock.equalTo(id)))
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("up").willReturn(aResponse().withStatus(503)));
        alertmanager.stubFor(post(urlPathEqualTo("/api/v2/alerts")).atPriority(1).inScenario(id)
                .withRequestBody(matchingJsonPath("$[0].annotations.requestId", com.github.tomakehurst.wiremock.client.WireMock.equalTo(id)))
                .whenScenarioStateIs("up").willReturn(aResponse().withStatus(200)));
        LocalDateTime longAgo = LocalDateTime.now(ZoneOffset.UTC).minusHours(2);
        try (Connection c = TestInfrastructure.connect("ferry_test"); PreparedStatement ps = c.prepareStatement("INSERT INTO ferry_request"
                + " (request_id, action, target, status, payload, received_at, started_at, instance, heartbeat_at)"
                + " VALUES (?, 'migrate', 'plain', 'RUNNING', '{}', ?, ?, 'somewhere', ?)")) {
            ps.setString(1, id);
            ps.setObject(2, longAgo);
            ps.setObject(3, longAgo);
            ps.setObject(4, LocalDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        }

        JsonNode alert = kafka.awaitAlerts(id, 1, Duration.ofSeconds(30)).get(0);
        assertThat(alert.path("kind").asText()).isEqualTo("stuck-request");
        assertThat(alert.path("severity").asText()).isEqualTo("warning");

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> posted(id).size() >= 2);
        JsonNode payload = new ObjectMapper().readTree(posted(id).get(1).getBodyAsString()).get(0);
        assertThat(payload.path("labels").path("alertname").asText()).isEqualTo("FerryStuckRequest");
        assertThat(payload.path("labels").path("severity").asText()).isEqualTo("warning");
        assertThat(payload.path("labels").path("target").asText()).isEqualTo("plain");
        assertThat(payload.path("annotations").path("summary").asText()).contains("RUNNING since");
        assertThat(payload.path("startsAt").asText()).isNotEmpty();
        assertThat(payload.path("endsAt").asText()).isNotEmpty();
        assertThat(payload.path("generatorURL").asText()).endsWith("/api/requests/" + id);
        // Raised once, not at every check (the check runs every 2 s in tests).
        org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> kafka.alerts(id).size() == 1);
    }

    @Test
    void metricsMoveWithRealRequests() {
        double before = metric("ferry_requests_total", "action=\"info\"", "status=\"SUCCEEDED\"", "target=\"plain\"");
        String id = "metrics-" + UUID.randomUUID();
        kafka.request(id, "info", "plain", Map.of());
        kafka.awaitResult(id, Duration.ofSeconds(30));

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                metric("ferry_requests_total", "action=\"info\"", "status=\"SUCCEEDED\"", "target=\"plain\"") == before + 1);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("ferry_request_duration_seconds_bucket{action=\"info\"");
        assertThat(metrics).contains("ferry_audit_unresolved{target=\"kratos\"}");
        assertThat(metrics).doesNotContain(id);

        String bad = "metrics-bad-" + UUID.randomUUID();
        double dead = metric("ferry_dead_letters_total");
        kafka.send(bad, new byte[] { 'n', 'o', 't', ' ', 'j', 's', 'o', 'n' });
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> metric("ferry_dead_letters_total") == dead + 1);
    }

    private java.util.List<LoggedRequest> posted(String requestId) {
        return alertmanager.findAll(postRequestedFor(urlPathEqualTo("/api/v2/alerts"))).stream()
                .filter(r -> r.getBodyAsString().contains(requestId)).toList();
    }

    /** The value of one Prometheus sample whose labels contain all of {@code labels}; 0 when absent. */
    private static double metric(String name, String... labels) {
        String text = given().get("/q/metrics").asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
