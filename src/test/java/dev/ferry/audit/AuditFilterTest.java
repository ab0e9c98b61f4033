package dev.ferry.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.ferry.problem.FerryException;

class AuditFilterTest {

    @Test
    void everyFilterBecomesABoundConditionNeverText() {
        AuditFilter filter = AuditFilter.parse(List.of("failed", "resolved"), "missing", "run-1", "o'brien_%!", "2026-11-25",
                "2026-11-26T10:00:00Z", false);
        List<Object> params = new ArrayList<>();
        String where = filter.where(params);
        assertThat(where).isEqualTo(" AND resolution_status IN (?, ?) AND failure_reason = ? AND run_id = ? AND email LIKE ? ESCAPE '!'"
                + " AND attempted_at >= ? AND attempted_at < ?");
        assertThat(where).doesNotContain("o'brien");
        assertThat(params).hasSize(7);
        assertThat(params.get(4)).isEqualTo("o'brien!_!%!!%");
        assertThat(params.get(5)).isEqualTo(LocalDateTime.of(2026, 11, 25, 0, 0));
        assertThat(params.get(6)).isEqualTo(LocalDateTime.of(2026, 11, 26, 10, 0));
    }

    @Test
    void noFiltersNoConditions() {
        List<Object> params = new ArrayList<>();
        assertThat(AuditFilter.parse(null, null, null, null, null, null, false).where(params)).isEmpty();
        assertThat(params).isEmpty();
        assertThat(AuditFilter.parse(null, null, null, null, null, null, true).where(params)).isEqualTo(" AND resolution_status = 'failed'");
    }

    @Test
    void badValuesAreRefusedNamingTheirParameter() {
        assertRefused("status", () -> AuditFilter.parse(List.of("pending"), null, null, null, null, null, false));
        assertRefused("reason", () -> AuditFilter.parse(null, "lost", null, null, null, null, false));
        assertRefused("runId", () -> AuditFilter.parse(null, null, " ", null, null, null, false));
        assertRefused("runId", () -> AuditFilter.parse(null, null, "r".repeat(129), null, null, null, false));
        assertRefused("emailPrefix", () -> AuditFilter.parse(null, null, null, "", null, null, false));
        assertRefused("from", () -> AuditFilter.parse(null, null, null, null, "25/11/2026", null, false));
        assertRefused("to", () -> AuditFilter.parse(null, null, null, null, null, "tomorrow", false));
        assertRefused("from", () -> AuditFilter.parse(null, null, null, null, "2026-11-26", "2026-11-25", false));
    }

    private static void assertRefused(String parameter, Runnable parse) {
        assertThatThrownBy(parse::run).isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.details()).containsEntry("field", parameter));
    }
}
