package dev.ferry.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.embedded.EmbeddedKafka;
import dev.ferry.embedded.EmbeddedMariaDb;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.LookupStub;

/**
 * The database, then the broker, stopped for {@code ferry.reliability.outage-seconds} (default 30)
 * under a running Ferry, on servers of this test's own: readiness goes DOWN meanwhile, work in
 * flight ends in a clear result, and Ferry carries on afterwards without a restart.
 */
class InfrastructureFaultsReliabilityIT {

    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("ferry.reliability.outage-seconds", 30));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A broker and a database of one test's own, which it may stop and start. */
    private record OwnServers(EmbeddedKafka broker, EmbeddedMariaDb db) implements AutoCloseable {

        static OwnServers under(String folder) throws Exception {
            Path home = Path.of("target/reliability", folder).toAbsolutePath();
            EmbeddedKafka broker = EmbeddedKafka.onFreshStorage(home.resolve("kafka"));
            broker.start();
            EmbeddedMariaDb db = EmbeddedMariaDb.in(home, 0);
            db.start();
            return new OwnServers(broker, db);
        }

        @Override
        public void close() throws Exception {
            db.stop();
            broker.stop();
        }
    }

    @Test
    void databaseOutagesBetweenAndDuringRequests() throws Exception {
        try (OwnServers servers = OwnServers.under("db-faults"); LookupStub kratos = LookupStub.start(Duration.ofMillis(40))) {
            EmbeddedMariaDb db = servers.db();
            Rig rig = Rig.onOwnServers("dbfault", kratos.baseUrl(), servers.broker().bootstrap(), db.port());
            String target = rig.exampleTargets(1).get(0);
            String schema = Rig.schema(target);
            FerryProcess ferry = FerryProcess.start(rig.config, "ferry-rel-dbfault");
            ReliabilityReport report = new ReliabilityReport("database outage " + OUTAGE.toSeconds() + " s");
            try {
                assertThat(send(rig, "migrate", target, Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");

                // Between requests: one arrives while the database is down.
                db.stop();
                String during = "db-down-" + UUID.randomUUID();
                rig.kafka.request(during, "info", target, Map.of());
                boolean downSeen = readinessDownWithin(ferry, OUTAGE);
                db.start();
                long recoveredMs = millisUntilReady(ferry);
                JsonNode duringResult = rig.kafka.awaitResult(during, Duration.ofMinutes(3));
                String after = send(rig, "info", target, Map.of()).path("status").asText();
                report.row("readiness while the database is down", downSeen ? "DOWN" : "UP", "DOWN", downSeen)
                        .info("readiness back after restart", recoveredMs + " ms")
                        .row("request sent during the outage", outcome(duringResult), "SUCCEEDED after recovery, or FAILED with a code",
                                clear(duringResult))
                        .row("next request, same Ferry process", after, "SUCCEEDED", after.equals("SUCCEEDED"));

                // During a request: the backfill loses its database half-way.
                long users = rig.count(schema, "SELECT COUNT(*) FROM `user`");
                String backfill = "db-backfill-" + UUID.randomUUID();
                rig.kafka.request(backfill, "backfill", target, Map.of("options", Map.of("job", "user-authid", "concurrency", 2,
                        "batchSize", 10)));
                Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() -> rig.count(schema,
                        "SELECT COUNT(*) FROM user_authid_backfill_audit") >= 20);
                db.stop();
                Thread.sleep(OUTAGE.toMillis());
                db.start();
                JsonNode interrupted = rig.kafka.awaitResult(backfill, Duration.ofMinutes(3));
                JsonNode resumed = send(rig, "backfill", target, Map.of("options", Map.of("job", "user-authid")));
                long linked = rig.count(schema, "SELECT COUNT(*) FROM `user` WHERE authId IS NOT NULL");
                long auditTwice = rig.count(schema, "SELECT COUNT(*) FROM (SELECT run_id, user_id FROM user_authid_backfill_audit"
                        + " GROUP BY run_id, user_id HAVING COUNT(*) > 1) twice");
                report.row("backfill that lost its database", outcome(interrupted), "SUCCEEDED, or FAILED with a code", clear(interrupted))
                        .row("backfill re-sent afterwards", outcome(resumed) + ", users linked " + linked + "/" + users, "SUCCEEDED, all linked",
                                resumed.path("status").asText().equals("SUCCEEDED") && linked == users)
                        .none("audit rows twice for a run and user", auditTwice)
                        .write();
                assertThat(downSeen).isTrue();
                assertThat(clear(duringResult)).isTrue();
                assertThat(after).isEqualTo("SUCCEEDED");
                assertThat(clear(interrupted)).isTrue();
                assertThat(resumed.path("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(linked).isEqualTo(users);
                assertThat(auditTwice).isZero();
            } finally {
                ferry.stop();
            }
        }
    }

    @Test
    void brokerOutageLosesAndRepeatsNothing() throws Exception {
        try (OwnServers servers = OwnServers.under("broker-faults")) {
            EmbeddedKafka broker = servers.broker();
            Rig rig = Rig.onOwnServers("brokerfault", "http://127.0.0.1:9", broker.bootstrap(), servers.db().port());
            String target = rig.exampleTargets(1).get(0);
            FerryProcess ferry = FerryProcess.start(rig.config, "ferry-rel-brokerfault");
            ReliabilityReport report = new ReliabilityReport("broker outage " + OUTAGE.toSeconds() + " s");
            try {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String id = "before-outage-" + i + "-" + UUID.randomUUID();
                    rig.kafka.request(id, i % 2 == 0 ? "migrate" : "info", target, Map.of());
                    ids.add(id);
                }
                rig.kafka.awaitResult(ids.get(2), Duration.ofMinutes(2));
                broker.stop();
                boolean downSeen = readinessDownWithin(ferry, OUTAGE);
                broker.start();
                long recoveredMs = millisUntilReady(ferry);
                for (int i = 0; i < 10; i++) {
                    String id = "after-outage-" + i + "-" + UUID.randomUUID();
                    rig.kafka.request(id, "info", target, Map.of());
                    ids.add(id);
                }
                List<String> problems = new ArrayList<>();
                for (String id : ids) {
                    JsonNode first = rig.kafka.awaitResult(id, Duration.ofMinutes(3));
                    long originals = rig.kafka.results(id).stream().filter(r -> !r.path("duplicate").asBoolean()).count();
                    if (!first.path("status").asText().equals("SUCCEEDED") || originals != 1) {
                        problems.add(id + " " + rig.kafka.results(id));
                    }
                }
                report.row("readiness while the broker is down", downSeen ? "DOWN" : "UP", "DOWN", downSeen)
                        .info("readiness back after restart", recoveredMs + " ms")
                        .none("requests lost or run twice (of 20, half sent before the outage)", problems.size())
                        .write();
                assertThat(problems).isEmpty();
                assertThat(downSeen).isTrue();
            } finally {
                ferry.stop();
            }
        }
    }

    private static JsonNode send(Rig rig, String action, String target, Map<String, Object> extra) {
        String id = action + "-" + UUID.randomUUID();
        rig.kafka.request(id, action, target, extra);
        return rig.kafka.awaitResult(id, Duration.ofMinutes(3));
    }

    private static String outcome(JsonNode result) {
        return result.path("status").asText() + (result.path("error").isMissingNode() || result.path("error").isNull() ? ""
                : " " + result.path("error").path("code").asText());
    }

    /** Succeeded, or failed with a documented code rather than an internal error. */
    private static boolean clear(JsonNode result) {
        String status = result.path("status").asText();
        return status.equals("SUCCEEDED") || (status.equals("FAILED") && !result.path("error").path("code").asText("INTERNAL_ERROR")
                .equals("INTERNAL_ERROR"));
    }

    private static boolean readinessDownWithin(FerryProcess ferry, Duration outage) throws InterruptedException {
        long end = System.nanoTime() + outage.toNanos();
        boolean down = false;
        while (System.nanoTime() < end) {
            down |= readiness(ferry) != 200;
            Thread.sleep(500);
        }
        return down;
    }

    private static long millisUntilReady(FerryProcess ferry) throws InterruptedException {
        long began = System.nanoTime();
        while (readiness(ferry) != 200 && System.nanoTime() - began < Duration.ofMinutes(2).toNanos()) {
            Thread.sleep(200);
        }
        return (System.nanoTime() - began) / 1_000_000;
    }

    private static int readiness(FerryProcess ferry) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ferry.port() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
