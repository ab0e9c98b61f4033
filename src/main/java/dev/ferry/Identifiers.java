package dev.ferry;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The one way Ferry writes a MySQL identifier into SQL: in backticks, with every backtick inside
 * doubled, so a table, column or schema name can never end the quote and start SQL of its own.
 */
public final class Identifiers {

    private Identifiers() {
    }

    /** {@code name} as a quoted identifier: {@code a`b} becomes {@code `a``b`}. */
    public static String quote(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("An identifier cannot be empty");
        }
        return "`" + name.replace("`", "``") + "`";
    }

    /** {@code schema.name}, both quoted. */
    public static String quote(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    /**
     * A name as a script writes it, without its quotes: {@code `a``b`} becomes {@code a`b}, {@code "a"}
     * becomes {@code a}, a qualified {@code `s`.`t`} becomes {@code s.t}.
     */
    public static String unquote(String name) {
        if (name == null) {
            return null;
        }
        StringBuilder plain = new StringBuilder(name.length());
        char open = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (open == 0 && (c == '`' || c == '"')) {
                open = c;
            } else if (c == open && i + 1 < name.length() && name.charAt(i + 1) == open) {
                plain.append(c);
                i++;
            } else if (c == open) {
                open = 0;
            } else {
                plain.append(c);
            }
        }
        return plain.toString();
    }

    /** A table or column name as the server compares it here: unquoted, case-insensitive. */
    public static String key(String name) {
        return unquote(name).trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** A comma-separated list of quoted identifiers, in the given order. */
    public static String quoteAll(Collection<String> names) {
        return names.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
    }
}
