package dev.ferry.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.FerryProcess;

/**
 * Two Ferry instances in one consumer group, 200 requests over 10 targets, with a third instance
 * joining and the first leaving half-way (two rebalances): every request succeeds once, each
 * target's requests ran in the order they were sent, and each change is recorded once.
 */
class TwoInstancesReliabilityIT {

    private static final int TARGETS = 10;

    /** Twenty requests per target; after them every target is at version 6. */
    private static final List<Map<String, Object>> SEQUENCE = List.of(
            Map.of("action", "migrate", "toVersion", "1"), Map.of("action", "migrate", "toVersion", "2"),
            Map.of("action", "migrate", "toVersion", "3"), Map.of("action", "migrate", "toVersion", "4"),
            Map.of("action", "migrate", "toVersion", "5"), Map.of("action", "migrate", "toVersion", "6"),
            Map.of("action", "revert", "steps", 1), Map.of("action", "revert", "steps", 1), Map.of("action", "migrate"),
            Map.of("action", "info"), Map.of("action", "revert", "toVersion", "3"), Map.of("action", "migrate", "toVersion", "4"),
            Map.of("action", "migrate"), Map.of("action", "info"), Map.of("action", "revert", "steps", 2), Map.of("action", "migrate"),
            Map.of("action", "info"), Map.of("action", "info"), Map.of("action", "info"), Map.of("action", "info"));
    private static final List<String> VERSION_AFTER = List.of("1", "2", "3", "4", "5", "6", "5", "4", "6", "6", "3", "4", "6", "6", "4",
            "6", "6", "6", "6", "6");

    @Test
    void everyChangeOnceInOrderAcrossRebalances() throws Exception {
        Rig rig = Rig.create("pair", "http://127.0.0.1:9");
        List<String> targets = rig.exampleTargets(TARGETS);
        FerryProcess first = FerryProcess.start(named(rig, "a"), "ferry-rel-pair-a");
        FerryProcess second = FerryProcess.start(named(rig, "b"), "ferry-rel-pair-b");
        FerryProcess third = null;
        long started = System.nanoTime();
        try {
            for (int step = 0; step < SEQUENCE.size(); step++) {
                for (String target : targets) {
                    Map<String, Object> request = SEQUENCE.get(step);
                    rig.kafka.request(id(target, step), (String) request.get("action"), target, request);
                }
                if (step == SEQUENCE.size() / 2) {
                    third = FerryProcess.start(named(rig, "c"), "ferry-rel-pair-c");
                    first.stop();
                }
            }
            for (String target : targets) {
                rig.kafka.awaitResult(id(target, SEQUENCE.size() - 1), Duration.ofMinutes(5));
            }
        } finally {
            second.stop();
            if (third != null) {
                third.stop();
            }
            first.stop();
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        List<String> problems = new ArrayList<>();
        long redelivered = 0;
        long outOfOrder = 0;
        long versionsTwice = 0;
        for (String target : targets) {
            for (int step = 0; step < SEQUENCE.size(); step++) {
                List<JsonNode> results = rig.kafka.results(id(target, step));
                List<JsonNode> originals = results.stream().filter(r -> !r.path("duplicate").asBoolean()).toList();
                redelivered += results.size() - originals.size();
                if (originals.size() != 1 || !originals.get(0).path("status").asText().equals("SUCCEEDED")
                        || !VERSION_AFTER.get(step).equals(originals.get(0).path("versionAfter").asText())) {
                    problems.add(id(target, step) + ": " + results);
                }
            }
            List<String> ranOrder = rig.column(Rig.ledgerSchema(rig.name), "SELECT request_id FROM ferry_request WHERE target = '" + target
                    + "' ORDER BY started_at, received_at");
            List<String> sentOrder = new ArrayList<>();
            for (int step = 0; step < SEQUENCE.size(); step++) {
                sentOrder.add(id(target, step));
            }
            outOfOrder += ranOrder.equals(sentOrder) ? 0 : 1;
            versionsTwice += rig.versionsRecordedTwice(target);
        }
        new ReliabilityReport("two instances, one group (10 targets)")
                .info("requests / duration", TARGETS * SEQUENCE.size() + " / " + Math.round(seconds) + " s")
                .row("requests without exactly one original SUCCEEDED result with the expected version", problems.size(), "0",
                        problems.isEmpty())
                .info("redeliveries after rebalances, answered from the ledger as duplicates (not run again)", redelivered)
                .none("targets whose requests ran out of order", outOfOrder)
                .none("versions recorded twice", versionsTwice)
                .write();
        assertThat(problems).isEmpty();
        assertThat(outOfOrder).isZero();
        assertThat(versionsTwice).isZero();
    }

    private static Map<String, String> named(Rig rig, String instance) {
        Map<String, String> config = new java.util.HashMap<>(rig.config);
        config.put("ferry.requests.instance", "ferry-" + instance);
        return config;
    }

    private static String id(String target, int step) {
        return target + "-" + String.format("%02d", step);
    }
}
