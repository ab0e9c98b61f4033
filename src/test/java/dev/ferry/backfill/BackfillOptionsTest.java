package dev.ferry.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

class BackfillOptionsTest {

    private static final String USER = "0b7e7c5e-9a0c-4a43-9d0e-6f3c8f1f2a11";

    @Test
    void defaultsAndGivenValues() {
        BackfillOptions defaults = BackfillOptions.from(options(), false);
        assertThat(defaults).isEqualTo(new BackfillOptions(BackfillOptions.DEFAULT_BATCH_SIZE, OptionalInt.empty(), false, List.of()));
        Map<String, Object> given = options();
        given.putAll(Map.of("batchSize", 50, "concurrency", 8, "dryRun", true, "userIds", List.of(USER)));
        assertThat(BackfillOptions.from(given, false)).isEqualTo(new BackfillOptions(50, OptionalInt.of(8), true, List.of(USER)));
        assertThat(BackfillOptions.from(options(), true).dryRun()).as("the request's own dryRun").isTrue();
    }

    @Test
    void eachBadOptionIsNamed() {
        assertInvalid(null, "options.job");
        assertInvalid(Map.of("job", "other"), "not \"other\"");
        assertInvalid(with("batchSize", 0), "options.batchSize");
        assertInvalid(with("batchSize", 10_001), "options.batchSize");
        assertInvalid(with("batchSize", "10"), "options.batchSize");
        assertInvalid(with("concurrency", BackfillOptions.MAX_CONCURRENCY + 1), "options.concurrency");
        assertInvalid(with("dryRun", "yes"), "options.dryRun");
        assertInvalid(with("userIds", List.of("not-a-uuid")), "options.userIds");
        assertInvalid(with("userIds", USER), "options.userIds");
    }

    private static void assertInvalid(Map<String, Object> options, String message) {
        assertThatThrownBy(() -> BackfillOptions.from(options, false)).isInstanceOfSatisfying(FerryException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static Map<String, Object> with(String name, Object value) {
        Map<String, Object> options = options();
        options.put(name, value);
        return options;
    }

    private static Map<String, Object> options() {
        Map<String, Object> options = new HashMap<>();
        options.put("job", UserAuthIdBackfill.JOB);
        return options;
    }
}
