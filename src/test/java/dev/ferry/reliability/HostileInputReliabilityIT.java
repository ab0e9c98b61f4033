package dev.ferry.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.embedded.DevTokens;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.GcLog;
import dev.ferry.support.TestTokens;

/**
 * 10,000 generated hostile payloads on the requests topic, then the same spirit against every REST
 * parameter and body, plus forged tokens, path traversal and SQL probes. Every payload ends in the
 * dead-letter topic or a REJECTED result, exactly once; the consumer keeps going; the heap stays
 * bounded; every REST error is problem+json and none is a 5xx.
 */
class HostileInputReliabilityIT {

    private static final int PAYLOADS = Integer.getInteger("ferry.reliability.payloads", 10_000);
    private static final long SEED = Long.getLong("ferry.reliability.seed", 20261125L);
    private static final String[] SQL = { "' OR '1'='1", "'; DROP TABLE ferry_request; --", "1; DROP DATABASE test",
        "\\\" OR 1=1 #", "%' UNION SELECT user, password FROM mysql.user --", "`; SHUTDOWN; --" };
    private static final String[] UNICODE = { "🚀🔥", "\u202Eevil", "\u0000nul", "\\ud800", "Ω≈ç√∫", "\uFEFFbom", "ﷺ", "𝕳𝖊𝖑𝖑𝖔" };

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Random random = new Random(SEED);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void hostileInputIsRejectedOrDeadLetteredAndNothingElse() throws Exception {
        Rig rig = Rig.create("hostile", "http://127.0.0.1:9");
        String target = rig.exampleTargets(1).get(0);
        GcLog gc = new GcLog(Path.of("target/reliability/hostile-gc.log"));
        FerryProcess ferry = FerryProcess.start(rig.config, "ferry-rel-hostile", List.of(gc.jvmOption()));
        ReliabilityReport report = new ReliabilityReport("hostile input");
        try {
            String migrate = "hostile-migrate-" + UUID.randomUUID();
            rig.kafka.request(migrate, "migrate", target, Map.of());
            assertThat(rig.kafka.awaitResult(migrate, Duration.ofMinutes(2)).path("status").asText()).isEqualTo("SUCCEEDED");
            int before = rig.kafka.allResults().size();
            long rssBefore = ferry.rss();
            Map<String, Integer> kinds = new TreeMap<>();
            int accepted = 0;
            int refusedByBroker = 0;
            long started = System.nanoTime();
            for (int i = 0; i < PAYLOADS; i++) {
                String kind = kind(i);
                kinds.merge(kind, 1, Integer::sum);
                try {
                    rig.kafka.send("fuzz-" + i, payload(kind, i));
                    accepted++;
                } catch (IllegalStateException e) {
                    refusedByBroker++; // larger than the broker's record limit: it never reaches Ferry
                }
            }
            int sent = accepted;
            Awaitility.await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> rig.kafka.allResults().size() - before + rig.kafka.deadLetterCount("fuzz-") >= sent);
            double seconds = (System.nanoTime() - started) / 1e9;
            // Anything more than one outcome per payload would show up within these seconds.
            Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> rig.kafka.allResults().size() - before + rig.kafka.deadLetterCount("fuzz-") == sent);
            List<JsonNode> all = rig.kafka.allResults();
            List<JsonNode> results = all.subList(before, all.size());
            long deadLetters = rig.kafka.deadLetterCount("fuzz-");
            long notRejected = results.stream().filter(r -> !r.path("status").asText().equals("REJECTED")).count();

            String probe = "after-fuzz-" + UUID.randomUUID();
            rig.kafka.request(probe, "info", target, Map.of());
            String afterwards = rig.kafka.awaitResult(probe, Duration.ofMinutes(2)).path("status").asText();

            List<String> restFailures = new ArrayList<>();
            int restCalls = restFuzz(ferry.port(), target, restFailures);
            long heapPeak = gc.peakSince(0);
            long rssAfter = ferry.rss();

            report.info("payloads generated / refused by the broker (> 1 MB)", PAYLOADS + " / " + refusedByBroker)
                    .info("payload kinds", kinds.toString())
                    .row("outcomes per payload (dead letters + results) / payloads", (deadLetters + results.size()) + " / " + sent,
                            "equal", deadLetters + results.size() == sent)
                    .info("dead-lettered / REJECTED", deadLetters + " / " + (results.size() - notRejected))
                    .none("results other than REJECTED", notRejected)
                    .info("payloads handled per second", Math.round(sent / seconds))
                    .row("a valid request after the storm", afterwards, "SUCCEEDED", afterwards.equals("SUCCEEDED"))
                    .row("peak heap after GC during the run", heapPeak / 1_000_000 + " MB", "< 256 MB", heapPeak < 256_000_000L)
                    .info("RSS before / after", rssBefore / 1_000_000 + " MB / " + rssAfter / 1_000_000 + " MB")
                    .row("REST calls with a 5xx, a non-problem error or a bypass", restFailures.size() + " of " + restCalls, "0",
                            restFailures.isEmpty());
            report.write();

            assertThat(deadLetters + results.size()).isEqualTo(sent);
            assertThat(notRejected).isZero();
            assertThat(afterwards).isEqualTo("SUCCEEDED");
            assertThat(heapPeak).isLessThan(256_000_000L);
            assertThat(restFailures).isEmpty();
        } finally {
            ferry.stop();
        }
    }

    private static String kind(int i) {
        if (i % 100 == 99) {
            return "oversize";
        }
        return List.of("truncated", "huge-string", "deep-nesting", "wrong-types", "unicode", "sql", "duplicate-keys", "random-bytes",
                "not-an-object", "unknown-fields").get(i % 10);
    }

    /** A payload of that kind; every one breaks the contract in at least one way. */
    private byte[] payload(String kind, int i) {
        String id = "fuzz-" + i;
        String valid = "{\"requestId\":\"" + id + "\",\"action\":\"migrate\",\"target\":\"nope-" + i + "\",\"dryRun\":true}";
        return switch (kind) {
            case "truncated" -> valid.substring(0, 1 + random.nextInt(valid.length() - 2)).getBytes(StandardCharsets.UTF_8);
            case "huge-string" -> {
                String huge = "x".repeat(10_000 + random.nextInt(500_000));
                String field = List.of("requestId", "target", "action", "reason", "requestedBy", "toVersion").get(random.nextInt(6));
                yield ("{\"requestId\":\"" + id + "\",\"action\":\"info\",\"target\":\"nope\",\"" + field + "\":\"" + huge + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            case "deep-nesting" -> {
                int depth = 200 + random.nextInt(5_000);
                yield ("{\"requestId\":\"" + id + "\",\"action\":\"backfill\",\"target\":\"nope\",\"options\":" + "[".repeat(depth)
                        + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
            }
            case "wrong-types" -> List.of(
                    "{\"requestId\":" + i + ",\"action\":\"migrate\",\"target\":\"nope\"}",
                    "{\"requestId\":\"" + id + "\",\"action\":[\"migrate\"],\"target\":\"nope\"}",
                    "{\"requestId\":\"" + id + "\",\"action\":\"migrate\",\"target\":{\"name\":\"x\"}}",
                    "{\"requestId\":\"" + id + "\",\"action\":\"revert\",\"target\":\"nope\",\"steps\":\"three\"}",
                    "{\"requestId\":\"" + id + "\",\"action\":\"migrate\",\"target\":\"nope\",\"dryRun\":\"yes\"}",
                    "{\"requestId\":\"" + id + "\",\"action\":\"backfill\",\"target\":\"nope\",\"options\":5}",
                    "{\"requestId\":\"" + id + "\",\"action\":\"migrate\",\"target\":\"nope\",\"toVersion\":{}}",
                    "{\"requestId\":null,\"action\":null,\"target\":null}").get(random.nextInt(8)).getBytes(StandardCharsets.UTF_8);
            case "unicode" -> {
                String u = UNICODE[random.nextInt(UNICODE.length)];
                boolean inId = random.nextBoolean();
                yield ("{\"requestId\":\"" + (inId ? id + u : id) + "\",\"action\":\"info\",\"target\":\"nøpe-" + u + "\",\"reason\":\"" + u
                        + "\"}").getBytes(StandardCharsets.UTF_8);
            }
            case "sql" -> {
                String sql = SQL[random.nextInt(SQL.length)].replace("\"", "\\\"");
                boolean inId = random.nextBoolean();
                yield ("{\"requestId\":\"" + (inId ? id + sql : id) + "\",\"action\":\"backfill\",\"target\":\"" + sql
                        + "\",\"toVersion\":\"" + sql + "\",\"reason\":\"" + sql + "\",\"requestedBy\":\"" + sql
                        + "\",\"options\":{\"job\":\"user-authid\",\"userIds\":[\"" + sql + "\"]}}").getBytes(StandardCharsets.UTF_8);
            }
            case "duplicate-keys" -> ("{\"requestId\":\"" + id + "\",\"requestId\":\"other-" + i + "\",\"action\":\"info\",\"target\":\"plain\"}")
                    .getBytes(StandardCharsets.UTF_8);
            case "random-bytes" -> {
                byte[] bytes = new byte[1 + random.nextInt(2_000)];
                random.nextBytes(bytes);
                bytes[0] = (byte) '{'; // an object that never closes properly
                yield bytes;
            }
            case "not-an-object" -> List.of("", "null", "[]", "42", "\"migrate\"", "true", "[{\"requestId\":\"" + id + "\"}]")
                    .get(random.nextInt(7)).getBytes(StandardCharsets.UTF_8);
            case "unknown-fields" -> ("{\"requestId\":\"" + id + "\",\"action\":\"drop-everything\",\"target\":\"plain\",\"sudo\":true}")
                    .getBytes(StandardCharsets.UTF_8);
            case "oversize" -> {
                // Alternately just over the broker's limit (refused before Ferry) and just under it (cut in the dead letter).
                int size = i % 200 == 99 ? 1_100_000 : 1_000_000;
                yield ("{\"requestId\":\"" + id + "\",\"action\":\"info\",\"reason\":\"" + "y".repeat(size)).getBytes(StandardCharsets.UTF_8);
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Forged and broken tokens, fuzzed parameters and bodies, traversal and SQL probes; returns the number of calls. */
    private int restFuzz(int port, String target, List<String> failures) throws Exception {
        String base = "http://127.0.0.1:" + port;
        String operator = TestTokens.operator();
        String viewer = TestTokens.viewer();
        List<String> readPaths = List.of("/api/requests", "/api/requests/some-id", "/api/audit/user-authid", "/api/audit/user-authid/summary",
                "/api/targets", "/api/targets/" + target + "/migrations");
        Map<String, String> badTokens = new TreeMap<>();
        badTokens.put("missing", null);
        badTokens.put("garbage", "not.a.token");
        badTokens.put("expired", TestTokens.withRoles("old", List.of("operator", "viewer"), Duration.ofHours(-2)));
        badTokens.put("forged", DevTokens.in(Path.of("target/reliability/forger").toAbsolutePath()).token("mallory",
                List.of("operator", "viewer"), Duration.ofHours(1)));
        badTokens.put("alg-none", algNone(operator));
        int calls = 0;
        for (Map.Entry<String, String> token : badTokens.entrySet()) {
            for (String path : readPaths) {
                calls++;
                expect(send("GET", base + path, token.getValue(), null), Set401or403.INSTANCE, token.getKey() + " GET " + path, failures);
            }
            calls++;
            expect(send("POST", base + "/api/requests", token.getValue(), "{\"requestId\":\"x1\",\"action\":\"info\",\"target\":\"" + target
                    + "\"}"), Set401or403.INSTANCE, token.getKey() + " POST", failures);
        }
        calls++;
        expect(send("POST", base + "/api/requests", viewer, "{\"requestId\":\"x2\",\"action\":\"info\",\"target\":\"" + target + "\"}"),
                Set401or403.INSTANCE, "viewer POST", failures);

        Map<String, List<String>> parameters = Map.of(
                "/api/requests", List.of("target", "status", "action", "limit", "after"),
                "/api/audit/user-authid", List.of("status", "reason", "runId", "emailPrefix", "from", "to", "unresolvedOnly", "limit", "after"),
                "/api/audit/user-authid/export.csv", List.of("status", "reason", "runId", "emailPrefix", "from", "to"));
        for (int round = 0; round < 40; round++) {
            for (Map.Entry<String, List<String>> endpoint : parameters.entrySet()) {
                for (String parameter : endpoint.getValue()) {
                    String value = hostileValue();
                    calls++;
                    Answer response = send("GET", base + endpoint.getKey() + "?" + parameter + "="
                            + URLEncoder.encode(value, StandardCharsets.UTF_8), operator, null);
                    expect(response, null, "GET " + endpoint.getKey() + "?" + parameter + "=" + abbreviated(value), failures);
                    if (response.status() == 200 && endpoint.getKey().equals("/api/requests") && parameter.equals("target")) {
                        // SQL in a filter must match that literal target (the fuzzed requests recorded some) and nothing else.
                        for (JsonNode item : JSON.readTree(response.body()).path("items")) {
                            if (!item.path("target").asText().equals(value)) {
                                failures.add("filter target=" + abbreviated(value) + " matched " + item.path("requestId").asText());
                            }
                        }
                    }
                }
            }
        }
        for (String path : List.of("/api/requests/..%2F..%2Fetc%2Fpasswd", "/api/requests/%2e%2e", "/api/targets/..%2Fmysql/migrations",
                "/api/targets/%00/migrations", "/api/audit/user-authid/-1", "/api/audit/user-authid/99999999999999999999",
                "/api/audit/user-authid/1%20OR%201=1", "/api/requests/" + "z".repeat(3_000) + "/events")) {
            calls++;
            expect(send("GET", base + path, operator, null), null, "GET " + abbreviated(path), failures);
        }
        for (String id : List.of("..", ".", "...", "../../etc/passwd", "a/../../b")) {
            calls++;
            Answer response = send("POST", base + "/api/requests", operator, "{\"requestId\":\"" + id
                    + "\",\"action\":\"validate\",\"target\":\"" + target + "\"}");
            if (response.status() != 400) {
                failures.add("requestId " + id + " was not refused: " + response.status());
            }
            expect(response, null, "POST requestId " + id, failures);
        }
        for (int i = 0; i < 1_000; i++) {
            String kind = kind(i);
            if (kind.equals("oversize")) {
                continue;
            }
            calls++;
            byte[] body = payload(kind, 100_000 + i);
            Answer response = answer(http.send(HttpRequest.newBuilder(URI.create(base + "/api/requests"))
                    .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofInputStream()));
            if (response.status() == 202) {
                failures.add("hostile body accepted (" + kind + "): " + abbreviated(new String(body, StandardCharsets.UTF_8)));
            }
            expect(response, null, "POST body " + kind, failures);
        }
        return calls;
    }

    /** Marker for "must be 401 or 403". */
    private enum Set401or403 { INSTANCE }

    private static void expect(Answer response, Set401or403 denied, String call, List<String> failures) {
        int status = response.status();
        if (status >= 500) {
            failures.add(call + " -> " + status);
        } else if (denied != null && status != 401 && status != 403) {
            failures.add(call + " was not denied: " + status);
        } else if (status >= 400 && !response.contentType().startsWith("application/problem+json")) {
            failures.add(call + " -> " + status + " without problem+json: " + response.contentType());
        } else if (status >= 400 && (response.body().contains("Exception") || response.body().contains("at dev.ferry")
                || response.body().toLowerCase().contains("sql syntax"))) {
            failures.add(call + " leaked internals: " + abbreviated(response.body()));
        }
    }

    /** What came back; an event stream is not read to its end (it may last for hours). */
    private record Answer(int status, String contentType, String body) {
    }

    private Answer send(String method, String url, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    private static Answer answer(HttpResponse<java.io.InputStream> response) throws java.io.IOException {
        String contentType = response.headers().firstValue("Content-Type").orElse("none");
        try (java.io.InputStream body = response.body()) {
            String text = contentType.startsWith("text/event-stream") ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(response.statusCode(), contentType, text);
        }
    }

    private String hostileValue() {
        return switch (random.nextInt(6)) {
            case 0 -> SQL[random.nextInt(SQL.length)];
            case 1 -> UNICODE[random.nextInt(UNICODE.length)];
            case 2 -> "z".repeat(1 + random.nextInt(3_000)); // longer request lines get the HTTP server's plain 414
            case 3 -> String.valueOf(random.nextLong());
            case 4 -> "../../etc/passwd";
            default -> Base64.getEncoder().encodeToString(("{\"at\":\"" + random.nextInt() + "\",\"id\":\"' OR 1=1 --\"}")
                    .getBytes(StandardCharsets.UTF_8));
        };
    }

    /** The operator's token with its header replaced by {"alg":"none"} and no signature. */
    private static String algNone(String token) {
        String[] parts = token.split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}"
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + parts[1] + ".";
    }

    private static String abbreviated(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }
}
