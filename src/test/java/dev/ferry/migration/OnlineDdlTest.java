package dev.ferry.migration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.support.AsOperator;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Table changes run with the cheapest algorithm the server accepts, a dry run says which beforehand,
 * a copy of a large table is refused before anything runs, and with pt-online-schema-change enabled it
 * is done online while the application keeps writing. Small tables, with ddl.large-table-rows = 1000.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
@ExtendWith(AsOperator.class)
class OnlineDdlTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void everyTableChangeRunsWithTheCheapestAlgorithmAndACopyOfALargeTableNeedsTheOnlineToolOrForce() throws Exception {
        Path folder = fresh("online", "ferry_test_online");
        Files.writeString(folder.resolve("V1__typical.sql"), "CREATE TABLE typical (id INT PRIMARY KEY, a VARCHAR(10), b INT,"
                + " c INT NOT NULL DEFAULT 0);\nINSERT INTO typical (id) VALUES (1), (2), (3);\n");
        assertThat(send("online", "migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
        Files.writeString(folder.resolve("V2__typical_changes.sql"), """
                ALTER TABLE typical ADD COLUMN d INT;
                ALTER TABLE typical ADD INDEX ix_typical_b (b);
                ALTER TABLE typical MODIFY b BIGINT;
                ALTER TABLE typical DROP PRIMARY KEY, ADD PRIMARY KEY (id, c);
                CREATE INDEX ix_typical_a ON typical (a);
                DROP INDEX ix_typical_a ON typical;
                ALTER TABLE typical ORDER BY id;
                CREATE TABLE untouched (id INT PRIMARY KEY);
                """);
        List<String> expected = List.of("INSTANT", "NOCOPY", "COPY", "INPLACE", "NOCOPY", "NOCOPY");

        // ORDER BY takes no algorithm clause: the probe cannot tell, and the run executes it as written.
        JsonNode dryRun = send("online", "migrate", Map.of("dryRun", true));
        assertThat(dryRun.path("plan").get(0).path("tableChanges")).extracting(c -> c.path("algorithm").asText())
                .as("the dry run's algorithms").isEqualTo(append(expected, "unknown"));
        // The copy is named in the plan's findings as what makes the run expensive, and does not block a small table.
        assertThat(dryRun.path("lint")).filteredOn(f -> f.path("rule").asText().equals("table-rebuild"))
                .extracting(f -> f.path("line").asInt() + " " + f.path("severity").asText()).containsExactly("3 WARN");

        JsonNode migrated = send("online", "migrate", Map.of());
        assertThat(migrated.path("status").asText()).as(migrated.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        List<String> ran = new ArrayList<>();
        migrated.path("migrations").get(0).path("statements").forEach(s -> ran.add(s.path("algorithm").asText("-")));
        assertThat(ran).as("the algorithms that ran").isEqualTo(append(append(expected, "-"), "-"));

        // A large table (at least 1000 rows): a change that copies it is refused before anything of the run happens.
        Files.writeString(folder.resolve("V3__big.sql"), "CREATE TABLE big (id INT PRIMARY KEY, v INT);\n" + rows("big", 1500));
        assertThat(send("online", "migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
        Files.writeString(folder.resolve("V4__widen_big.sql"), "CREATE TABLE beside_big (id INT PRIMARY KEY);\nALTER TABLE big MODIFY v BIGINT;\n");
        JsonNode refused = send("online", "migrate", Map.of());
        assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("TABLE_COPY_REQUIRED");
        assertThat(refused.path("error").path("details").path("statements").get(0).path("table").asText()).isEqualTo("big");
        assertThat(count("ferry_test_online", "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'ferry_test_online'"
                + " AND table_name = 'beside_big'")).as("nothing ran").isZero();

        JsonNode forced = send("online", "migrate", Map.of("force", true, "reason", "maintenance window"));
        assertThat(forced.path("status").asText()).as(forced.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        assertThat(forced.path("migrations").get(0).path("statements").get(1).path("algorithm").asText()).isEqualTo("COPY");
    }

    @Test
    void withPtOnlineSchemaChangeACopyOfALargeTableKeepsTheTableWritable() throws Exception {
        boolean installed = java.util.stream.Stream.of(System.getenv("PATH").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "pt-online-schema-change")));
        // CI installs percona-toolkit and sets ferry.test.require-tools, so there this test cannot be skipped by accident.
        assertThat(installed || !Boolean.getBoolean("ferry.test.require-tools")).as("pt-online-schema-change is on the PATH").isTrue();
        org.junit.jupiter.api.Assumptions.assumeTrue(installed, "pt-online-schema-change is not installed (Debian: apt-get install percona-toolkit)");
        Path folder = fresh("onlinetool", "ferry_test_onlinetool");
        Files.writeString(folder.resolve("V1__hot.sql"), "CREATE TABLE hot (id INT AUTO_INCREMENT PRIMARY KEY, v INT, note VARCHAR(20));\n"
                + rows("hot (id, v)", 3000));
        assertThat(send("onlinetool", "migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
        Files.writeString(folder.resolve("V2__widen_hot.sql"), "ALTER TABLE hot MODIFY v BIGINT;\n");
        JsonNode dryRun = send("onlinetool", "migrate", Map.of("dryRun", true));
        assertThat(dryRun.path("plan").get(0).path("tableChanges").get(0).path("algorithm").asText()).isEqualTo("pt-online-schema-change");

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        AtomicLong slowestWriteMs = new AtomicLong();
        List<Throwable> writeErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Void> application = CompletableFuture.runAsync(() -> {
            try (Connection app = TestInfrastructure.connect("ferry_test_onlinetool");
                    PreparedStatement insert = app.prepareStatement("INSERT INTO hot (v, note) VALUES (?, 'app')");
                    PreparedStatement update = app.prepareStatement("UPDATE hot SET note = 'touched' WHERE id = ?")) {
                while (writing.get()) {
                    long started = System.nanoTime();
                    // Like any application on InnoDB, it retries a write that lost a deadlock (the tool's triggers make a few).
                    for (int attempt = 1; attempt <= 5; attempt++) {
                        try {
                            insert.setLong(1, writes.get());
                            insert.executeUpdate();
                            update.setLong(1, 1 + writes.get() % 3000);
                            update.executeUpdate();
                            writes.incrementAndGet();
                            break;
                        } catch (java.sql.SQLTransactionRollbackException e) {
                            if (attempt == 5) {
                                writeErrors.add(e);
                            }
                        } catch (SQLException e) {
                            writeErrors.add(e);
                            break;
                        }
                    }
                    slowestWriteMs.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                }
            } catch (SQLException e) {
                writeErrors.add(e);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> writes.get() > 20);
        JsonNode migrated = send("onlinetool", "migrate", Map.of());
        long writesDuringTheChange = writes.get();
        writing.set(false);
        application.get(10, TimeUnit.SECONDS);

        assertThat(migrated.path("status").asText()).as(migrated.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        assertThat(migrated.path("migrations").get(0).path("statements").get(0).path("algorithm").asText())
                .isEqualTo("pt-online-schema-change");
        assertThat(writeErrors).as("writes that failed during the change").isEmpty();
        assertThat(slowestWriteMs.get()).as("slowest write").isLessThan(2000);
        assertThat(count("ferry_test_onlinetool", "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'ferry_test_onlinetool'"
                + " AND table_name = 'hot' AND column_name = 'v' AND data_type = 'bigint'")).isEqualTo(1);
        assertThat(count("ferry_test_onlinetool", "SELECT COUNT(*) FROM hot")).as("no row lost")
                .isGreaterThanOrEqualTo(3000 + writesDuringTheChange - 1);
        assertThat(count("ferry_test_onlinetool", "SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = 'ferry_test_onlinetool'"))
                .as("the tool's triggers are gone").isZero();
    }

    @Test
    void aLongStatementReportsItsProgressInTheLedgerWhileItRuns() throws Exception {
        Path folder = fresh("onlineprogress", "ferry_test_onlineprogress");
        Files.writeString(folder.resolve("V1__slow.sql"), "CREATE TABLE slow_one (id INT PRIMARY KEY);\nSELECT SLEEP(5);\n");
        String id = "online-progress-" + UUID.randomUUID();
        kafka.request(id, "migrate", "onlineprogress", new HashMap<>());
        ObjectMapper json = new ObjectMapper();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode view = json.readTree(given().get("/api/requests/" + id).then().extract().asString());
            return "ddl".equals(view.path("progress").path("phase").asText()) && view.path("progress").path("statement").asInt() == 2;
        });
        assertThat(kafka.awaitResult(id, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    private static Path fresh(String target, String schema) throws Exception {
        Path folder = Path.of("target/test-work/" + target);
        TestInfrastructure.freshTarget(schema, folder);
        return folder;
    }

    private static String rows(String table, int n) {
        return "INSERT INTO " + table + " SELECT seq, seq FROM seq_1_to_" + n + ";\n"; // MariaDB's sequence engine
    }

    private static List<String> append(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }

    private JsonNode send(String target, String action, Map<String, Object> extra) {
        String id = action + "-" + target + "-" + UUID.randomUUID();
        kafka.request(id, action, target, new HashMap<>(extra));
        return kafka.awaitResult(id, WAIT);
    }

    private static long count(String schema, String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
