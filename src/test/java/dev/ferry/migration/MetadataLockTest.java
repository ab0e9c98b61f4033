package dev.ferry.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An ALTER behind an open transaction on its table: Ferry waits at most ddl.lock-wait for the
 * metadata lock (so the application's queries never queue behind it for long), tries again, and
 * when the transaction does not end, says who holds it. Every statement is guarded, not only a
 * script's first: a wait in the middle keeps what ran before it, and the next migrate continues.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class MetadataLockTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path FOLDER = Path.of("target/test-work/mdl");
    private static final String SCHEMA = "ferry_test_mdl";

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @BeforeAll
    static void table() throws Exception {
        Files.createDirectories(FOLDER);
        try (var files = Files.list(FOLDER)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.writeString(FOLDER.resolve("V1__busy.sql"), "CREATE TABLE busy (id INT PRIMARY KEY);\nINSERT INTO busy VALUES (1);\n");
        String id = "mdl-v1-" + UUID.randomUUID();
        KafkaTestClient.get().request(id, "migrate", "mdl", new HashMap<>());
        assertThat(KafkaTestClient.get().awaitResult(id, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aTransactionOnTheTableDelaysTheChangeOnlyWhileItLastsAndOneThatNeverEndsIsNamed() throws Exception {
        aTransactionThatEndsDuringTheRetriesLetsTheChangeThroughWhileReadersKeepAnswering();
        aTransactionThatNeverEndsGivesDdlLockTimeoutNamingItAndNothingRan();
        aWaitInTheMiddleOfAScriptKeepsWhatRanAndTheNextMigrateContinues();
    }

    @Test
    void aTransactionHeldForTwentySecondsNeverStallsTheApplication() throws Exception {
        Path folder = Path.of("target/test-work/mdlhold");
        TestInfrastructure.freshTarget("ferry_test_mdlhold", folder);
        Files.writeString(folder.resolve("V1__busy.sql"), "CREATE TABLE busy (id INT PRIMARY KEY);\nINSERT INTO busy VALUES (1);\n");
        String created = "mdlhold-v1-" + UUID.randomUUID();
        kafka.request(created, "migrate", "mdlhold", new HashMap<>());
        assertThat(kafka.awaitResult(created, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
        Files.writeString(folder.resolve("V2__widen.sql"), "ALTER TABLE busy ADD COLUMN note VARCHAR(20);\n");
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong slowestReadMs = new AtomicLong();
        try (Connection app = TestInfrastructure.connect("ferry_test_mdlhold"); Connection reader = TestInfrastructure.connect("ferry_test_mdlhold")) {
            openTransactionOnBusy(app);
            CompletableFuture<Void> readers = readAllTheTime(reader, reading, slowestReadMs, new AtomicLong());
            String id = "mdlhold-" + UUID.randomUUID();
            kafka.request(id, "migrate", "mdlhold", new HashMap<>());
            // The application's transaction lasts 20 s: the scenario itself, not a wait for something to happen.
            commitAfter(app, 20);
            JsonNode result = kafka.awaitResult(id, WAIT);
            reading.set(false);
            readers.get(10, TimeUnit.SECONDS);
            assertThat(result.path("status").asText()).as(result.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("durationMs").asLong()).as("it completed after the transaction ended").isGreaterThanOrEqualTo(19_000);
            assertThat(result.path("migrations").get(0).path("statements").get(0).path("lockRetries").asInt()).isGreaterThanOrEqualTo(3);
            // On MariaDB the first half of the 20 tries (over 20 s with their backoff) ask for the lock without queueing,
            // so while the transaction lasts no read lines up behind the ALTER at all.
            assertThat(slowestReadMs.get()).as("slowest application read (ddl.lock-wait 1 s, never queued)").isLessThan(500);
        }
    }

    private void aWaitInTheMiddleOfAScriptKeepsWhatRanAndTheNextMigrateContinues() throws Exception {
        Files.writeString(FOLDER.resolve("V4__side_and_flag.sql"), "CREATE TABLE side (id INT PRIMARY KEY);\n"
                + "ALTER TABLE busy ADD COLUMN flag INT;\nINSERT INTO side VALUES (1);\n");
        long holder;
        try (Connection app = TestInfrastructure.connect(SCHEMA)) {
            holder = openTransactionOnBusy(app);
            JsonNode failed = send();
            assertThat(failed.path("status").asText()).isEqualTo("FAILED");
            JsonNode error = failed.path("error");
            assertThat(error.path("code").asText()).isEqualTo("DDL_LOCK_TIMEOUT");
            assertThat(error.path("message").asText()).contains("session " + holder).contains("statement 2");
            assertThat(error.path("details").path("statementIndex").asInt()).isEqualTo(2);
            assertThat(error.path("details").path("statementsApplied")).hasSize(1);
            assertThat(error.path("details").path("resumable").asBoolean()).isTrue();
            assertThat(count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + SCHEMA
                    + "' AND table_name = 'side'")).as("statement 1 ran and stays").isEqualTo(1);
            app.commit();
        }
        JsonNode resumed = send();
        assertThat(resumed.path("status").asText()).as(resumed.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        assertThat(resumed.path("versionAfter").asText()).isEqualTo("4");
        assertThat(resumed.path("migrations").get(0).path("statements")).extracting(st -> st.path("index").asInt())
                .as("statement 1 is not run again").containsExactly(2, 3);
        assertThat(count("SELECT COUNT(*) FROM side")).isEqualTo(1);
    }

    private void aTransactionThatNeverEndsGivesDdlLockTimeoutNamingItAndNothingRan() throws Exception {
        Files.writeString(FOLDER.resolve("V3__widen.sql"), "ALTER TABLE busy ADD COLUMN note VARCHAR(20);\n");
        long holder;
        try (Connection app = TestInfrastructure.connect(SCHEMA)) {
            holder = openTransactionOnBusy(app);
            JsonNode failed = send();
            assertThat(failed.path("status").asText()).isEqualTo("FAILED");
            assertThat(failed.path("error").path("code").asText()).isEqualTo("DDL_LOCK_TIMEOUT");
            assertThat(failed.path("error").path("migration").asText()).isEqualTo("V3__widen.sql");
            assertThat(failed.path("error").path("details").path("table").asText()).isEqualTo("busy");
            assertThat(failed.path("error").path("details").path("tries").asInt()).isEqualTo(3);
            assertThat(failed.path("error").path("message").asText()).contains("session " + holder);
            assertThat(count("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '3'")).isZero();
            app.commit();
        }
        // Nothing to repair: once the transaction is gone, the same request goes through.
        assertThat(send().path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(count("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '" + SCHEMA
                + "' AND table_name = 'busy' AND column_name = 'note'")).isEqualTo(1);
    }

    private void aTransactionThatEndsDuringTheRetriesLetsTheChangeThroughWhileReadersKeepAnswering() throws Exception {
        Files.writeString(FOLDER.resolve("V2__index.sql"), "CREATE TABLE beside (id INT PRIMARY KEY);\n"
                + "ALTER TABLE busy ADD INDEX ix_busy_id (id);\n");
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong slowestReadMs = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        try (Connection app = TestInfrastructure.connect(SCHEMA); Connection reader = TestInfrastructure.connect(SCHEMA)) {
            openTransactionOnBusy(app);
            // The application keeps reading the table the whole time: no query may queue behind Ferry's ALTER for long.
            CompletableFuture<Void> readers = readAllTheTime(reader, reading, slowestReadMs, reads);
            String id = "mdl-" + UUID.randomUUID();
            kafka.request(id, "migrate", "mdl", new HashMap<>());
            commitAfter(app, 3);
            JsonNode result = kafka.awaitResult(id, WAIT);
            reading.set(false);
            readers.get(10, TimeUnit.SECONDS);
            assertThat(result.path("status").asText()).as(result.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("migrations")).extracting(m -> m.path("script").asText()).contains("V2__index.sql");
            assertThat(result.path("durationMs").asLong()).as("it waited for the transaction").isGreaterThanOrEqualTo(2500);
            JsonNode alter = result.path("migrations").get(0).path("statements").get(1);
            assertThat(alter.path("lockRetries").asInt()).as("the result shows the retries").isPositive();
            assertThat(reads.get()).isPositive();
            // ddl.lock-wait is 1 s here: a read waits at most that long behind the ALTER's lock request, plus slack.
            assertThat(slowestReadMs.get()).as("slowest application read").isLessThan(2000);
        }
    }

    /** The application reading the table all the time (autocommit), keeping its slowest read, until {@code reading} is false. */
    private static CompletableFuture<Void> readAllTheTime(Connection reader, AtomicBoolean reading, AtomicLong slowestReadMs, AtomicLong reads) {
        return CompletableFuture.runAsync(() -> {
            try (Statement s = reader.createStatement()) {
                while (reading.get()) {
                    long started = System.nanoTime();
                    s.executeQuery("SELECT COUNT(*) FROM busy").close();
                    slowestReadMs.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                    reads.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The application ends its transaction after {@code seconds}: the scenario's length, not a wait for a result. */
    private static void commitAfter(Connection app, int seconds) {
        CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS).execute(() -> {
            try {
                app.commit();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** What an application does: reads the table inside a transaction it has not ended; returns its session id. */
    private static long openTransactionOnBusy(Connection app) throws Exception {
        app.setAutoCommit(false);
        try (Statement s = app.createStatement()) {
            s.executeQuery("SELECT * FROM busy").close();
            try (ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private JsonNode send() {
        String id = "mdl-" + UUID.randomUUID();
        kafka.request(id, "migrate", "mdl", new HashMap<>(Map.of()));
        return kafka.awaitResult(id, WAIT);
    }

    private static long count(String sql) throws Exception {
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
