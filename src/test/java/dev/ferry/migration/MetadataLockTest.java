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

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An ALTER behind an open transaction on its table: Ferry waits at most ddl.lock-wait for the
 * metadata lock (so the application's queries never queue behind it for long), tries again, and
 * when the transaction does not end, says who holds it, with nothing of the script run.
 */
@QuarkusTest
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
        aTransactionThatEndsDuringTheRetriesLetsTheChangeThrough();
        aTransactionThatNeverEndsGivesDdlLockTimeoutNamingItAndNothingRan();
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

    private void aTransactionThatEndsDuringTheRetriesLetsTheChangeThrough() throws Exception {
        Files.writeString(FOLDER.resolve("V2__index.sql"), "ALTER TABLE busy ADD INDEX ix_busy_id (id);\n");
        try (Connection app = TestInfrastructure.connect(SCHEMA)) {
            openTransactionOnBusy(app);
            String id = "mdl-" + UUID.randomUUID();
            kafka.request(id, "migrate", "mdl", new HashMap<>());
            CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS).execute(() -> {
                try {
                    app.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            JsonNode result = kafka.awaitResult(id, WAIT);
            assertThat(result.path("status").asText()).as(result.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("migrations")).extracting(m -> m.path("script").asText()).contains("V2__index.sql");
            assertThat(result.path("durationMs").asLong()).as("it waited for the transaction").isGreaterThanOrEqualTo(1000);
        }
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
