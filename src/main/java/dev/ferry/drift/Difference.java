package dev.ferry.drift;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One way the live schema differs from what the target's applied scripts produce: what kind of object,
 * where, and its definition as the scripts make it ({@code expected}) and as it is ({@code actual});
 * a missing side is absent.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Difference(Kind kind, String table, String name, String expected, String actual) {

    /** The kinds of difference, kebab-case on the wire. */
    public enum Kind {
        TABLE_MISSING, TABLE_EXTRA, TABLE_OPTION, COLUMN_MISSING, COLUMN_EXTRA, COLUMN_CHANGED, COLUMN_COLLATION, COLUMN_ORDER,
        INDEX_MISSING, INDEX_EXTRA, INDEX_CHANGED, FOREIGN_KEY_MISSING, FOREIGN_KEY_EXTRA, FOREIGN_KEY_CHANGED, CHECK_MISSING,
        CHECK_EXTRA, CHECK_CHANGED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** One line for messages and alerts. */
    String summary() {
        return wireTarget() + " " + kind.wire() + (expected == null ? "" : ", expected " + expected) + (actual == null ? "" : ", actual " + actual);
    }

    private String wireTarget() {
        return name == null ? table : table + "." + name;
    }
}
