package dev.ferry.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class SameRequestTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private static MigrationRequest request(String action, String toVersion, Integer steps, Boolean dryRun, Boolean force,
            Map<String, Object> options, String requestedBy, String reason) {
        return new MigrationRequest("r-1", action, "alkemio", toVersion, steps, dryRun, force, options, requestedBy, reason);
    }

    @Test
    void whoAndWhyDoNotCountButWhatRunsDoes() {
        MigrationRequest first = request("migrate", "5", null, null, null, Map.of("job", "user-authid", "batchSize", 500), "a", "x");
        assertThat(SameRequest.differences(first, request("migrate", "5", null, false, false,
                Map.of("batchSize", 500.0, "job", "user-authid"), "b", "y"), mapper)).isEmpty();
        assertThat(SameRequest.differences(first, request("revert", "6", 2, true, true, Map.of("job", "user-authid"), "a", "x"), mapper))
                .containsExactly("action", "toVersion", "steps", "dryRun", "force", "options");
    }

    @Test
    void missingAndEmptyOptionsAreTheSame() {
        assertThat(SameRequest.differences(request("info", null, null, null, null, null, null, null),
                request("info", null, null, null, null, Map.of(), null, null), mapper)).isEmpty();
        assertThat(SameRequest.differences(request("backfill", null, null, null, null, Map.of("userIds", List.of(1, 2)), null, null),
                request("backfill", null, null, null, null, Map.of("userIds", List.of(2, 1)), null, null), mapper))
                .containsExactly("options");
    }
}
