package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.EmbeddedServersResource;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;

/**
 * A rollout over a fleet (default 200 targets, schemas on one server, 50 trivial scripts each) by two
 * Ferry processes, for maxParallel 1, 4, 8 and 16, beside a sequential loop of stock Flyway over the
 * same targets in the same run. Also: the rollout's time against its ideal (each wave as long as its
 * children take on maxParallel slots, with no time between them), every target's history checked
 * (each version once), and the server's peak connections while it ran.
 */
class RolloutBenchmarkIT {

    private static final int TARGETS = Integer.getInteger("ferry.bench.rollout-targets", 200);
    /** The curve: maxParallel values, in turn ({@code -Dferry.bench.rollout-parallelism=16} for one point). */
    private static final int[] PARALLELISM = java.util.Arrays.stream(System.getProperty("ferry.bench.rollout-parallelism", "1,4,8,16")
            .split(",")).mapToInt(p -> Integer.parseInt(p.trim())).toArray();
    private static final int SCRIPTS = 50;
    private static final Path FOLDER = Path.of("target/bench/rollout-scripts").toAbsolutePath();
    /** Connections besides the rollout's: each Ferry's ledger pools, the test's own sampler. */
    static final int CONNECTION_CONSTANT = 24;

    @Test
    void rolloutOverAFleet() throws Exception {
        Map<String, String> config = new EmbeddedServersResource().start();
        // Room for the baseline and both instances; what the rollout itself adds is measured below.
        TestInfrastructure.execute("", "SET GLOBAL max_connections = 2000");
        writeScripts();
        for (int i = 1; i <= TARGETS; i++) {
            TestInfrastructure.addTarget(config, target(i), schema(i), "filesystem:" + FOLDER);
            // A fleet's setting (README, "Rollouts", Connections): no pool, connections close when given back.
            config.put("ferry.targets." + target(i) + ".pool-idle-timeout", "0s");
        }
        config.put("ferry.groups.benchfleet.targets", "benchfleet-*");
        config.put("ferry.db.schema", "ferry_test_benchrollout_ledger");
        config.put("ferry.rollouts.drive-every", "0.2s");
        // Each instance may change up to maxParallel targets at once: which targets land on which instance is
        // up to the partitions.
        config.put("ferry.requests.workers", "16");
        KafkaTestClient kafka = KafkaTestClient.withTopicPrefix("bench-rollout-");
        config.putAll(kafka.topicConfig());
        config.put("mp.messaging.incoming.migration-requests.group.id", "ferry-bench-rollout");

        resetFleet();
        long[] loopCpu = cpuTicks();
        long loopStart = System.nanoTime();
        for (int i = 1; i <= TARGETS; i++) {
            Flyway.configure().dataSource(TestInfrastructure.jdbcUrl(schema(i)), TestInfrastructure.username(), TestInfrastructure.password())
                    .locations("filesystem:" + FOLDER).load().migrate();
        }
        double loop = (System.nanoTime() - loopStart) / 1e6;
        double loopBusy = busySince(loopCpu);
        int afterLoop = connections();

        FerryProcess a = FerryProcess.start(FerryProcess.instance(config, "ferry-bench-rollout-a"), "ferry-bench-rollout-a");
        FerryProcess b = FerryProcess.start(FerryProcess.instance(config, "ferry-bench-rollout-b"), "ferry-bench-rollout-b");
        BenchReport report = new BenchReport();
        Thread.sleep(10_000); // past the start-up sweeps
        report.context("rollout-fleet-connections-two-idle-instances", "connections", connections(), "after-the-flyway-loop", afterLoop, 1);
        try {
            for (int maxParallel : PARALLELISM) {
                resetFleet();
                int idle = connections();
                AtomicInteger peak = new AtomicInteger(idle);
                AtomicBoolean sampling = new AtomicBoolean(true);
                Thread sampler = new Thread(() -> {
                    while (sampling.get()) {
                        try {
                            peak.accumulateAndGet(connections(), Math::max);
                            Thread.sleep(50);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                sampler.start();
                String id = "bench-rollout-" + maxParallel + "-" + UUID.randomUUID();
                long[] rolloutCpu = cpuTicks();
                long start = System.nanoTime();
                kafka.request(id, "rollout", "benchfleet", Map.of("toVersion", String.valueOf(SCRIPTS), "options",
                        Map.of("maxParallel", maxParallel, "failureBudget", 0)));
                JsonNode result = kafka.awaitResult(id, Duration.ofMinutes(30));
                double took = (System.nanoTime() - start) / 1e6;
                double rolloutBusy = busySince(rolloutCpu);
                sampling.set(false);
                sampler.join();
                assertThat(result.path("status").asText()).as(result.path("error").toString()).isEqualTo("SUCCEEDED");
                assertEveryVersionOnce();
                double ideal = ideal(kafka, result, maxParallel);
                String suffix = "-" + TARGETS + "-targets-max-parallel-" + maxParallel;
                report.atLeast("rollout" + suffix + "-speed-up", "x", loop / took, "flyway-sequential-loop-ms", loop, maxParallel == 16 ? 4 : 0,
                        1);
                report.atMost("rollout" + suffix + "-vs-ideal-waves", "ratio", took / ideal, "ideal-wave-time-ms", ideal, 1.3, 1);
                report.atMost("rollout" + suffix + "-peak-extra-connections", "connections", peak.get() - idle, "idle-connections", idle,
                        2 * maxParallel + CONNECTION_CONSTANT + 1, 1);
                report.context("rollout" + suffix + "-ms", "ms", took, "flyway-sequential-loop-ms", loop, 1);
                // How much of the machine each kept busy: a loop that keeps one core of two busy cannot be sped up 4x here.
                report.context("rollout" + suffix + "-machine-cpu-busy", "%", rolloutBusy, "flyway-loop-machine-cpu-busy", loopBusy, 1);
            }
        } finally {
            report.appendTo(Path.of("target/bench"));
            a.stop();
            b.stop();
        }
    }

    /**
     * The rollout's time with no overhead of its own: each wave as long as its children, in the order
     * the rollout started them, take on {@code maxParallel} slots (a child starts the moment a slot is
     * free; a wave starts when the one before it ends). What is left is the driver's and the dispatch's
     * time: noticing a child ended, publishing the next, a consumer taking it.
     */
    static double ideal(Map<Integer, List<Double>> durationsByWave, int maxParallel) {
        double ideal = 0;
        for (List<Double> durations : durationsByWave.values()) {
            java.util.PriorityQueue<Double> slotsFreeAt = new java.util.PriorityQueue<>();
            double end = 0;
            for (double duration : durations) {
                double start = slotsFreeAt.size() < maxParallel ? 0 : slotsFreeAt.poll();
                slotsFreeAt.add(start + duration);
                end = Math.max(end, start + duration);
            }
            ideal += end;
        }
        return ideal;
    }

    private static double ideal(KafkaTestClient kafka, JsonNode result, int maxParallel) {
        Map<Integer, List<Double>> byWave = new TreeMap<>();
        for (JsonNode t : result.path("rollout").path("targets")) {
            JsonNode child = kafka.results(t.path("request").asText()).get(0);
            byWave.computeIfAbsent(t.path("wave").asInt(), w -> new ArrayList<>()).add(child.path("durationMs").asDouble());
        }
        return ideal(byWave, maxParallel);
    }

    private static void assertEveryVersionOnce() throws SQLException {
        for (int i = 1; i <= TARGETS; i++) {
            try (Connection c = TestInfrastructure.connect(schema(i)); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT version) FROM flyway_schema_history WHERE success = 1")) {
                rs.next();
                assertThat(rs.getInt(1)).as("history rows of %s", schema(i)).isEqualTo(SCRIPTS);
                assertThat(rs.getInt(2)).isEqualTo(SCRIPTS);
            }
        }
    }

    /** The machine's CPU time so far (Linux /proc/stat, all cores): busy and total ticks; zeros elsewhere. */
    private static long[] cpuTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total - idle, total};
        } catch (Exception e) {
            return new long[] {0, 0};
        }
    }

    /** The share of the machine's CPU that was busy since {@code before}, in percent. */
    private static double busySince(long[] before) {
        long[] now = cpuTicks();
        long total = now[1] - before[1];
        return total <= 0 ? 0 : 100.0 * (now[0] - before[0]) / total;
    }

    private static int connections() throws SQLException {
        try (Connection c = TestInfrastructure.connect(""); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_connected'")) {
            rs.next();
            return rs.getInt(2);
        }
    }

    private static void resetFleet() throws SQLException {
        for (int i = 1; i <= TARGETS; i++) {
            TestInfrastructure.execute("", "DROP DATABASE IF EXISTS " + schema(i));
            TestInfrastructure.execute("", "CREATE DATABASE " + schema(i));
        }
    }

    private static void writeScripts() throws Exception {
        Files.createDirectories(FOLDER);
        try (var files = Files.list(FOLDER)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.writeString(FOLDER.resolve("V1__marker.sql"), "CREATE TABLE marker (n INT PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
                + " COLLATE=utf8mb4_unicode_ci;\n");
        for (int v = 2; v <= SCRIPTS; v++) {
            Files.writeString(FOLDER.resolve("V" + v + "__step.sql"), "INSERT INTO marker (n) VALUES (" + v + ");\n");
        }
    }


    private static String target(int i) {
        return String.format("benchfleet-%03d", i);
    }

    private static String schema(int i) {
        return String.format("ferry_test_benchfleet_%03d", i);
    }
}
