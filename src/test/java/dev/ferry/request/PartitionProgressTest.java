package dev.ferry.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import io.quarkus.test.junit.QuarkusTest;

/** A failure no retry can mend ends as a clear result, and the partition moves on. */
@QuarkusTest
@Tag(Tags.QUARKUS)
class PartitionProgressTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void aLedgerWriteThatCanNeverSucceedEndsAsInternalErrorAndTheNextRecordRuns() throws Exception {
        // Storing these requests' results fails the same way every time (what a bug or a schema mistake does).
        TestInfrastructure.execute("ferry_test", "CREATE TRIGGER refuse_stuck_results BEFORE UPDATE ON ferry_request FOR EACH ROW"
                + " IF NEW.request_id LIKE 'never-stored-%' AND NEW.result IS NOT NULL THEN"
                + " SIGNAL SQLSTATE '22001' SET MESSAGE_TEXT = 'this result cannot be stored'; END IF");
        String first = "never-stored-" + UUID.randomUUID();
        String second = "never-stored-behind-" + UUID.randomUUID();
        try {
            kafka.request(first, "info", "plain", new HashMap<>());
            kafka.request(second, "info", "plain", new HashMap<>());
            JsonNode failed = kafka.awaitResult(first, WAIT);
            assertThat(failed.path("status").asText()).isEqualTo("FAILED");
            assertThat(failed.path("error").path("code").asText()).isEqualTo("INTERNAL_ERROR");
            assertThat(failed.path("error").path("message").asText()).doesNotContain("cannot be stored");
            assertThat(kafka.awaitResult(second, WAIT).path("error").path("code").asText()).isEqualTo("INTERNAL_ERROR");
        } finally {
            TestInfrastructure.execute("ferry_test", "DROP TRIGGER refuse_stuck_results");
        }
        String after = "after-" + UUID.randomUUID();
        kafka.request(after, "info", "plain", new HashMap<>());
        assertThat(kafka.awaitResult(after, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
    }
}
