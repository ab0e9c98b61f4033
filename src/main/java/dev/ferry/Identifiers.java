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

    /** A comma-separated list of quoted identifiers, in the given order. */
    public static String quoteAll(Collection<String> names) {
        return names.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
    }
}
