package dev.ferry.lint;

import java.util.Arrays;
import java.util.Optional;

/** The destructive-change rules, their wire names (used in config and waivers) and default severity. */
public enum LintRule {
    DROP_TABLE("drop-table", LintSeverity.BLOCK, "drops a table and its data"),
    DROP_DATABASE("drop-database", LintSeverity.BLOCK, "drops a whole database"),
    DROP_COLUMN("drop-column", LintSeverity.BLOCK, "drops a column and its data"),
    TRUNCATE("truncate", LintSeverity.BLOCK, "empties a table"),
    DELETE_WITHOUT_WHERE("delete-without-where", LintSeverity.BLOCK, "deletes every row of a table"),
    UPDATE_WITHOUT_WHERE("update-without-where", LintSeverity.BLOCK, "updates every row of a table"),
    RENAME("rename", LintSeverity.BLOCK, "renames a table or column, breaking the running application"),
    COLUMN_NARROWED("column-narrowed", LintSeverity.BLOCK, "narrows a column type: values may be truncated"),
    NOT_NULL_WITHOUT_DEFAULT("not-null-without-default", LintSeverity.BLOCK,
            "adds a NOT NULL column without default to a table that has rows"),
    INDEX_WITHOUT_ONLINE_DDL("index-without-online-ddl", LintSeverity.WARN,
            "adds an index to a large table without ALGORITHM=INPLACE or LOCK=NONE"),
    CROSS_SCHEMA("cross-schema", LintSeverity.BLOCK, "reaches a schema other than the target's (USE, or a name qualified with"
            + " another schema)"),
    UNDO_CHANGED("undo-changed", LintSeverity.WARN, "the undo script changed after its version was applied"),
    /** Not a statement rule: the validation gate reports unvalidated scripts through the same channel. */
    NOT_VALIDATED("not-validated", LintSeverity.BLOCK, "has not passed sandbox validation with this exact checksum"),
    /** Not a statement rule: the algorithm probe (AlterProbe) reports copies of large tables through the same channel. */
    TABLE_COPY("table-copy", LintSeverity.BLOCK, "copies a table of at least ddl.large-table-rows rows, blocking its writes while it"
            + " runs, and no online tool is enabled"),
    /** Not a statement rule: the algorithm probe reports every change that copies its table (dry runs probe every table). */
    TABLE_REBUILD("table-rebuild", LintSeverity.WARN, "copies its table (ALGORITHM=COPY): the table's writes wait until it is done, cheap"
            + " only while the table is small"),
    /** Not a statement rule: the drift check reports a live schema that differs from the history through the same channel. */
    SCHEMA_DRIFT("schema-drift", LintSeverity.BLOCK, "the live schema differs from what the target's history produces"),
    // Data rules: asked of the target's rows before anything runs; each would make the server refuse the statement.
    UNIQUE_DUPLICATES("unique-duplicates", LintSeverity.BLOCK, "adds a unique or primary key over values that are not unique"),
    NOT_NULL_NULLS("not-null-nulls", LintSeverity.BLOCK, "makes a column NOT NULL while rows hold NULL in it"),
    VALUE_DOES_NOT_FIT("value-does-not-fit", LintSeverity.BLOCK, "changes a column's type, length or character set while rows hold"
            + " values the new one cannot store"),
    ENUM_VALUE_IN_USE("enum-value-in-use", LintSeverity.BLOCK, "removes enum values that rows still hold"),
    FOREIGN_KEY_ORPHANS("foreign-key-orphans", LintSeverity.BLOCK, "adds a foreign key that rows already violate"),
    CHECK_VIOLATIONS("check-violations", LintSeverity.BLOCK, "adds a check constraint that rows already violate");

    private final String id;
    private final LintSeverity defaultSeverity;
    private final String description;

    LintRule(String id, LintSeverity defaultSeverity, String description) {
        this.id = id;
        this.defaultSeverity = defaultSeverity;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public LintSeverity defaultSeverity() {
        return defaultSeverity;
    }

    public String description() {
        return description;
    }

    public static Optional<LintRule> fromId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }
}
