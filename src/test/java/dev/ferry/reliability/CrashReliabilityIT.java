package dev.ferry.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.LookupStub;

/**
 * Ferry, a separate JVM, killed with SIGKILL at random points of 50 migrate / revert / backfill /
 * info requests over five targets, and started again each time. Afterwards: every request has one
 * final outcome, the ledger agrees with what was published, no script is recorded twice, every
 * schema matches its history (or the target says NEEDS_REPAIR), and nobody is linked twice.
 */
class CrashReliabilityIT {

    private static final int TARGETS = 5;
    private static final int KILLS = 8;
    private static final long SEED = Long.getLong("ferry.reliability.seed", 20261125L);

    @Test
    void killedAtRandomPointsLosesAndDuplicatesNothing() throws Exception {
        try (LookupStub kratos = LookupStub.start(Duration.ofMillis(10))) {
            Rig rig = Rig.create("crash", kratos.baseUrl());
            List<String> targets = rig.exampleTargets(TARGETS);
            Map<String, String> actions = new LinkedHashMap<>();
            FerryProcess ferry = FerryProcess.start(rig.config, "ferry-rel-crash-0");
            for (String target : targets) {
                plan(target).forEach((id, request) -> {
                    rig.kafka.request(id, (String) request.get("action"), target, request);
                    actions.put(id, (String) request.get("action"));
                });
            }

            Random random = new Random(SEED);
            Instant began = Instant.now();
            for (int kill = 1; kill <= KILLS && !allAnswered(rig, actions.keySet()); kill++) {
                Thread.sleep(500 + random.nextInt(4_000));
                ferry.kill();
                ferry = FerryProcess.start(rig.config, "ferry-rel-crash-" + kill);
            }
            try {
                for (String id : actions.keySet()) {
                    rig.kafka.awaitResult(id, Duration.ofMinutes(5));
                }
            } finally {
                ferry.stop();
            }
            long seconds = Duration.between(began, Instant.now()).toSeconds();

            ReliabilityReport report = new ReliabilityReport("crash (SIGKILL x" + KILLS + ", seed " + SEED + ")");
            Map<String, Integer> statuses = new TreeMap<>();
            int conflicting = 0;
            int republishedAsOriginal = 0;
            Map<String, String> finalStatus = new HashMap<>();
            for (String id : actions.keySet()) {
                List<JsonNode> results = rig.kafka.results(id);
                List<String> distinct = results.stream().map(r -> r.path("status").asText() + "/" + r.path("error").path("code").asText(""))
                        .distinct().toList();
                conflicting += distinct.size() > 1 ? 1 : 0;
                republishedAsOriginal += results.stream().filter(r -> !r.path("duplicate").asBoolean()).count() > 1 ? 1 : 0;
                statuses.merge(actions.get(id) + " " + distinct.get(0), 1, Integer::sum);
                finalStatus.put(id, results.get(0).path("status").asText());
            }
            List<String> ledgerDisagrees = new ArrayList<>();
            for (String id : actions.keySet()) {
                List<String> ledger = rig.column(Rig.ledgerSchema(rig.name), "SELECT status FROM ferry_request WHERE request_id = '" + id + "'");
                if (ledger.size() != 1 || !ledger.get(0).equals(finalStatus.get(id))) {
                    ledgerDisagrees.add(id + " " + ledger + " vs " + finalStatus.get(id));
                }
            }
            long versionsTwice = 0;
            long linkedTwice = 0;
            long auditTwice = 0;
            List<String> inconsistent = new ArrayList<>();
            List<String> needsRepair = new ArrayList<>();
            for (String target : targets) {
                String schema = Rig.schema(target);
                versionsTwice += rig.versionsRecordedTwice(target);
                if (rig.count(schema, "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 0") > 0) {
                    needsRepair.add(target);
                    continue;
                }
                long version = rig.count(schema, "SELECT COALESCE(MAX(CAST(version AS UNSIGNED)), 0) FROM flyway_schema_history");
                boolean authId = rig.count(schema, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE()"
                        + " AND table_name = 'user' AND column_name = 'authId'") == 1;
                boolean audit = rig.count(schema, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
                        + " AND table_name = 'user_authid_backfill_audit'") == 1;
                if (authId != version >= 4 || audit != version >= 5) {
                    inconsistent.add(target + " at V" + version + " authId=" + authId + " audit=" + audit);
                }
                if (authId) {
                    linkedTwice += rig.count(schema, "SELECT COUNT(*) FROM (SELECT authId FROM `user` WHERE authId IS NOT NULL GROUP BY authId"
                            + " HAVING COUNT(*) > 1) twice");
                }
                if (audit) {
                    auditTwice += rig.count(schema, "SELECT COUNT(*) FROM (SELECT run_id, user_id FROM user_authid_backfill_audit"
                            + " GROUP BY run_id, user_id HAVING COUNT(*) > 1) twice");
                }
            }
            boolean repairReported = needsRepair.stream().allMatch(target -> actions.keySet().stream()
                    .filter(id -> id.startsWith(target + "-")).anyMatch(id -> rig.kafka.results(id).stream()
                            .anyMatch(r -> r.path("error").path("code").asText("").matches("NEEDS_REPAIR|MIGRATION_FAILED|INTERRUPTED"))));

            report.info("requests / targets / duration", actions.size() + " / " + TARGETS + " / " + seconds + " s")
                    .info("outcomes", statuses.toString())
                    .row("requests without a result", actions.keySet().stream().filter(id -> rig.kafka.results(id).isEmpty()).count(), "0",
                            actions.keySet().stream().allMatch(id -> !rig.kafka.results(id).isEmpty()))
                    .none("requests with two different outcomes", conflicting)
                    .info("results re-published unmarked (killed between publish and ledger mark)", republishedAsOriginal)
                    .none("ledger rows disagreeing with the result", ledgerDisagrees.size())
                    .none("script versions recorded twice", versionsTwice)
                    .none("schemas that differ from their history", inconsistent.size())
                    .row("half-applied targets reported NEEDS_REPAIR/failed", needsRepair.size() + " targets", "each reported",
                            repairReported)
                    .none("identities linked to two users", linkedTwice)
                    .none("audit rows twice for a run and user", auditTwice)
                    .write();

            assertThat(conflicting).isZero();
            assertThat(ledgerDisagrees).isEmpty();
            assertThat(versionsTwice).isZero();
            assertThat(inconsistent).isEmpty();
            assertThat(repairReported).isTrue();
            assertThat(linkedTwice).isZero();
            assertThat(auditTwice).isZero();
        }
    }

    /** Ten requests for one target, in the order a team would send them. */
    private static Map<String, Map<String, Object>> plan(String target) {
        Map<String, Map<String, Object>> plan = new LinkedHashMap<>();
        Map<String, Object> backfill = Map.of("job", "user-authid", "batchSize", 20, "concurrency", 4);
        List<Map<String, Object>> steps = List.of(
                Map.of("action", "migrate", "toVersion", "2"),
                Map.of("action", "migrate", "toVersion", "4"),
                Map.of("action", "revert", "toVersion", "3"),
                Map.of("action", "migrate"),
                Map.of("action", "backfill", "options", backfill),
                Map.of("action", "info"),
                Map.of("action", "revert", "steps", 1),
                Map.of("action", "migrate"),
                Map.of("action", "backfill", "options", backfill),
                Map.of("action", "info"));
        for (int i = 0; i < steps.size(); i++) {
            plan.put(target + "-" + i + "-" + steps.get(i).get("action"), steps.get(i));
        }
        return plan;
    }

    private static boolean allAnswered(Rig rig, java.util.Collection<String> ids) {
        return ids.stream().allMatch(id -> !rig.kafka.results(id).isEmpty());
    }
}
