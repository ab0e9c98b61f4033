package dev.ferry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How viewers see email addresses: the first character and the domain ({@code j***@example.org}).
 * Operators see them whole.
 */
public final class EmailMask {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    private EmailMask() {
    }

    /** One address, masked; anything without a local part becomes {@code ***}. */
    public static String mask(String email) {
        if (email == null) {
            return null;
        }
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.codePoints().limit(1).collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                + "***" + email.substring(at);
    }

    /** Every address inside a text (a result's JSON, a note, an error), masked; the rest unchanged. */
    public static String maskAll(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        Matcher m = EMAIL.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(mask(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
