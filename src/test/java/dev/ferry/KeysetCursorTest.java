package dev.ferry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

class KeysetCursorTest {

    @Test
    void aCursorComesBackAsItWentOutEvenWithABarInItsKey() {
        KeysetCursor cursor = new KeysetCursor(LocalDateTime.of(2026, 12, 2, 4, 5, 6, 789_000_000), "rel|4.2.0");
        assertThat(KeysetCursor.decode(cursor.encode())).isEqualTo(cursor);
        assertThat(cursor.encode()).doesNotContain("=", "+", "/");
    }

    @Test
    void aCursorThisApiDidNotMakeIsABadParameterNamedAfter() {
        for (String bad : new String[] { "%%%", encode("no bar here"), encode("yesterday|x"), "" }) {
            assertThatThrownBy(() -> KeysetCursor.decode(bad)).as(bad).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                assertThat(e.details()).containsEntry("field", "after");
            });
        }
    }

    @Test
    void pageSizesOutsideOneToTheMaximumAreRefused() {
        KeysetCursor.checkPageSize(1);
        KeysetCursor.checkPageSize(KeysetCursor.MAX_PAGE);
        for (int limit : new int[] { 0, -1, KeysetCursor.MAX_PAGE + 1 }) {
            assertThatThrownBy(() -> KeysetCursor.checkPageSize(limit)).isInstanceOfSatisfying(FerryException.class,
                    e -> assertThat(e.details()).containsEntry("field", "limit"));
        }
    }

    private static String encode(String raw) {
        return Base64.getUrlEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
}
