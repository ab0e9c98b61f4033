package dev.ferry.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.embedded.DevTokens;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.TestTokens;

/**
 * The outside probes of the trust review, against the packaged Ferry: each probe is tried a number
 * of times and every try must be refused. The report's "security" rows say how many of each.
 */
class SecurityReliabilityIT {

    private static final Duration WAIT = Duration.ofMinutes(2);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void everyProbeIsRefused() throws Exception {
        Rig rig = Rig.create("security", "http://127.0.0.1:9");
        String target = rig.exampleTargets(1).get(0);
        FerryProcess ferry = FerryProcess.start(rig.config, "ferry-rel-security");
        ReliabilityReport report = new ReliabilityReport("security");
        String base = "http://127.0.0.1:" + ferry.port();
        try {
            String migrate = "security-migrate-" + UUID.randomUUID();
            rig.kafka.request(migrate, "migrate", target, Map.of());
            assertThat(rig.kafka.awaitResult(migrate, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");

            String foreignKey = DevTokens.in(Path.of("target/reliability/foreign-key")).token("mallory", List.of("operator"),
                    Duration.ofHours(1));
            List<String> badTokens = List.of(
                    "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiZ3JvdXBzIjpbIm9wZXJhdG9yIl0sImF1ZCI6ImZlcnJ5In0.",
                    TestTokens.withRoles("old", List.of("operator"), Duration.ofMinutes(-10), DevTokens.AUDIENCE),
                    TestTokens.withRoles("billing", List.of("operator"), Duration.ofMinutes(10), "billing-service"),
                    TestTokens.withRoles("nobody", List.of("operator"), Duration.ofMinutes(10), null),
                    foreignKey);
            probe(report, "REST with a forged, expired, foreign-audience, audience-less or foreign-key token", badTokens.size() * 3,
                    () -> {
                        List<Integer> statuses = new ArrayList<>();
                        for (String token : badTokens) {
                            for (String path : List.of("/api/targets", "/api/requests", "/api/audit/user-authid")) {
                                statuses.add(get(base + path, token).statusCode());
                            }
                        }
                        return statuses.stream().filter(s -> s == 401).count();
                    });

            List<String> recordAuthorizations = new ArrayList<>();
            recordAuthorizations.add(null);
            recordAuthorizations.add("Bearer " + TestTokens.viewer());
            badTokens.forEach(token -> recordAuthorizations.add("Bearer " + token));
            List<String> ids = new ArrayList<>();
            for (String authorization : recordAuthorizations) {
                String id = "security-record-" + UUID.randomUUID();
                ids.add(id);
                rig.kafka.sendWithAuthorization(target, ("{\"requestId\":\"" + id + "\",\"action\":\"repair\",\"target\":\"" + target
                        + "\",\"reason\":\"probe\",\"requestedBy\":\"admin\"}").getBytes(StandardCharsets.UTF_8), authorization);
            }
            probe(report, "requests-topic records without an operator's valid token", ids.size(),
                    () -> ids.stream().map(id -> rig.kafka.awaitResult(id, WAIT))
                            .filter(r -> "UNAUTHENTICATED".equals(r.path("error").path("code").asText())).count());

            String viewer = TestTokens.viewer();
            List<String> prefixes = List.of("a", "b", "gen1", "x@", "%");
            probe(report, "viewer filtering audit rows by email (list and export)", prefixes.size() * 2, () -> prefixes.stream()
                    .flatMap(p -> List.of("/api/audit/user-authid?emailPrefix=", "/api/audit/user-authid/export.csv?emailPrefix=").stream()
                            .map(path -> get(base + path + p.replace("%", "%25").replace("@", "%40"), viewer).statusCode()))
                    .filter(s -> s == 403).count());

            String operator = TestTokens.operator();
            List<String> loose = List.of("1", "yes", "on", "TRUE", "0");
            probe(report, "retention with a boolean that is not true or false", loose.size(), () -> loose.stream()
                    .map(v -> post(base + "/api/audit/user-authid/retention?dryRun=" + v + "&policy=drop&includeUnresolved=true", operator)
                            .statusCode())
                    .filter(s -> s == 400).count());
            probe(report, "destructive retention without the dry run's count", 2, () -> List.of(
                    post(base + "/api/audit/user-authid/retention?dryRun=false&policy=drop", operator).statusCode(),
                    post(base + "/api/audit/user-authid/retention?dryRun=false&policy=drop&expectRows=999999", operator).statusCode())
                    .stream().filter(s -> s == 428 || s == 409).count());

            probe(report, "a requestId re-used for other work", 3, () -> {
                long refused = 0;
                for (String other : List.of("{\"action\":\"info\"", "{\"action\":\"migrate\",\"dryRun\":true", "{\"action\":\"migrate\",\"force\":true")) {
                    String body = other + ",\"requestId\":\"" + migrate + "\",\"target\":\"" + target + "\"}";
                    refused += postJson(base + "/api/requests", operator, body).statusCode() == 409 ? 1 : 0;
                }
                return refused;
            });

            probe(report, "event streams for ids that never arrive", 3, () -> {
                long refused = 0;
                for (int i = 0; i < 3; i++) {
                    refused += get(base + "/api/requests/never-" + UUID.randomUUID() + "/events", viewer).statusCode() == 404 ? 1 : 0;
                }
                return refused;
            });

            List<String> schemas = List.of(Rig.ledgerSchema("security"), "mysql", "information_schema");
            List<String> generates = new ArrayList<>();
            for (String schema : schemas) {
                String id = "security-generate-" + UUID.randomUUID();
                generates.add(id);
                rig.kafka.request(id, "generate", target, Map.of("options", Map.of("from", schema)));
            }
            probe(report, "generate comparing with a schema that is not the target's reference", generates.size(),
                    () -> generates.stream().map(id -> rig.kafka.awaitResult(id, WAIT))
                            .filter(((Predicate<JsonNode>) r -> "REJECTED".equals(r.path("status").asText()))).count());
        } finally {
            ferry.stop();
            report.write();
        }
    }

    private interface Count {
        long refused() throws Exception;
    }

    private static void probe(ReliabilityReport report, String probe, int tried, Count count) throws Exception {
        long refused = count.refused();
        report.row(probe, refused + " of " + tried + " refused", tried + " of " + tried, refused == tried);
        assertThat(refused).as(probe).isEqualTo(tried);
    }

    private HttpResponse<String> get(String url, String token) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET());
    }

    private HttpResponse<String> post(String url, String token) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpResponse<String> postJson(String url, String token, String body) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
