package dev.ferry.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.LookupStub;
import dev.ferry.support.LookupStub.Faults;

/**
 * The 300-user backfill against a Kratos that is slow, flapping, in a 429 storm, answering
 * malformed bodies, dropping connections, and all of it at once: each run finishes with every user
 * accounted for, exactly once, and every link the right one.
 */
class KratosFaultsReliabilityIT {

    private static final Duration LATENCY = Duration.ofMillis(5);

    @Test
    void everyUserIsAccountedForWhateverKratosDoes() throws Exception {
        Map<String, Faults> phases = new LinkedHashMap<>();
        phases.put("slow (30% +1.5 s, timeout 1 s)", new Faults(0.3, Duration.ofMillis(1_500), 0, 0, 0, 0, 1));
        phases.put("flapping (40% 503)", new Faults(0, Duration.ZERO, 0.4, 0, 0, 0, 2));
        phases.put("429 storm (30%, Retry-After 1)", new Faults(0, Duration.ZERO, 0, 0.3, 0, 0, 3));
        phases.put("malformed bodies (30%)", new Faults(0, Duration.ZERO, 0, 0, 0.3, 0, 4));
        phases.put("dropped connections (20%)", new Faults(0, Duration.ZERO, 0, 0, 0, 0.2, 5));
        phases.put("all at once", new Faults(0.1, Duration.ofMillis(1_500), 0.1, 0.1, 0.1, 0.1, 6));
        try (LookupStub kratos = LookupStub.start(LATENCY)) {
            Rig rig = Rig.create("kratos", kratos.baseUrl());
            String target = rig.exampleTargets(1).get(0);
            rig.config.put("ferry.kratos.timeout", "1s");
            rig.config.put("ferry.kratos.max-attempts", "8");
            rig.config.put("ferry.kratos.initial-backoff", "100ms");
            rig.config.put("ferry.kratos.max-backoff", "1s");
            FerryProcess ferry = FerryProcess.start(rig.config, "ferry-rel-kratos");
            ReliabilityReport report = new ReliabilityReport("Kratos faults (300 users per run)");
            List<String> broken = new ArrayList<>();
            try {
                String migrate = "kratos-migrate-" + UUID.randomUUID();
                rig.kafka.request(migrate, "migrate", target, Map.of());
                assertThat(rig.kafka.awaitResult(migrate, Duration.ofMinutes(2)).path("status").asText()).isEqualTo("SUCCEEDED");
                String schema = Rig.schema(target);
                long users = rig.count(schema, "SELECT COUNT(*) FROM `user`");
                for (Map.Entry<String, Faults> phase : phases.entrySet()) {
                    rig.execute(schema, "UPDATE `user` SET authId = NULL");
                    kratos.faults(phase.getValue());
                    long faultsBefore = kratos.faulted();
                    String run = "kratos-faults-" + UUID.randomUUID();
                    rig.kafka.request(run, "backfill", target, Map.of("options", Map.of("job", "user-authid", "concurrency", 16,
                            "batchSize", 50)));
                    JsonNode result = rig.kafka.awaitResult(run, Duration.ofMinutes(5));
                    JsonNode backfill = result.path("backfill");
                    long audited = rig.count(schema, "SELECT COUNT(DISTINCT user_id) FROM user_authid_backfill_audit WHERE run_id = '" + run + "'");
                    long auditRows = rig.count(schema, "SELECT COUNT(*) FROM user_authid_backfill_audit WHERE run_id = '" + run + "'");
                    long wrongLinks = wrongLinks(rig, schema);
                    long linked = rig.count(schema, "SELECT COUNT(*) FROM `user` WHERE authId IS NOT NULL");
                    boolean held = result.path("status").asText().equals("SUCCEEDED") && audited == users && auditRows == users
                            && backfill.path("linked").asLong() + backfill.path("failed").asLong() == users
                            && backfill.path("linked").asLong() == linked && wrongLinks == 0;
                    if (!held) {
                        broken.add(phase.getKey() + ": " + result);
                    }
                    report.row(phase.getKey(), "linked " + linked + ", failed " + backfill.path("failed").asLong() + ", audited " + audited
                            + "/" + users + ", wrong links " + wrongLinks + ", faults served " + (kratos.faulted() - faultsBefore) + ", "
                            + backfill.path("durationMs").asLong() + " ms", "every user once, right links", held);
                }
                report.write();
            } finally {
                ferry.stop();
            }
            assertThat(broken).isEmpty();
        }
    }

    /** Users linked to anything but the identity the stub derives from their email. */
    private static long wrongLinks(Rig rig, String schema) throws Exception {
        long wrong = 0;
        try (Connection c = rig.connect(schema); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT email, authId FROM `user` WHERE authId IS NOT NULL")) {
            while (rs.next()) {
                String expected = UUID.nameUUIDFromBytes(rs.getString(1).getBytes(StandardCharsets.UTF_8)).toString();
                wrong += expected.equals(rs.getString(2)) ? 0 : 1;
            }
        }
        return wrong;
    }
}
