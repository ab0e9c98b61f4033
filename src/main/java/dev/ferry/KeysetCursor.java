package dev.ferry;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;

import dev.ferry.problem.FerryException;

/**
 * The opaque {@code after} cursor of the newest-first lists: the last row's time and key,
 * base64url-encoded. A cursor this API did not make is a 400 naming the parameter.
 */
public record KeysetCursor(LocalDateTime time, String key) {

    /** The largest page the lists serve. */
    public static final int MAX_PAGE = 500;

    /** Refuses a {@code limit} parameter outside 1 to {@value #MAX_PAGE}. */
    public static void checkPageSize(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw FerryException.badParameter("limit", "must be between 1 and " + MAX_PAGE + ", not " + limit);
        }
    }

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((time + "|" + key).getBytes(StandardCharsets.UTF_8));
    }

    public static KeysetCursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            if (bar < 0) {
                throw notACursor();
            }
            return new KeysetCursor(LocalDateTime.parse(raw.substring(0, bar)), raw.substring(bar + 1));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw notACursor();
        }
    }

    private static FerryException notACursor() {
        return FerryException.badParameter("after", "not a cursor from this API");
    }
}
