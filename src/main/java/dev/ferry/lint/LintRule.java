package dev.ferry.lint;

import java.util.Arrays;
import java.util.Optional;

/** Every lint rule: its wire name (used in config, waivers and findings), its default severity and what it finds. */
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
    CHECK_VIOLATIONS("check-violations", LintSeverity.BLOCK, "adds a check constraint that rows already violate"),
    // Structure and naming rules (lint.structure): a design that will hurt later; they warn by default.
    FLOAT_TYPE("float-type", "stores an approximate FLOAT/DOUBLE/REAL: 0.1 is not 0.1; DECIMAL keeps exact values"),
    ENUM_OR_SET("enum-or-set", "uses ENUM/SET: every change to the list is a schema change, and reordering or removing values copies"
            + " the table"),
    TIMESTAMP_2038("timestamp-2038", "uses TIMESTAMP, which ends on 2038-01-19 (DATETIME does not)"),
    ZEROFILL("zerofill", "uses ZEROFILL, deprecated since MySQL 8.0.17 (format when reading instead)"),
    INTEGER_DISPLAY_WIDTH("integer-display-width", "gives an integer a display width (INT(11)), deprecated since MySQL 8.0.17: it"
            + " limits nothing"),
    AUTO_INCREMENT_SIGNED("auto-increment-signed", "makes a signed AUTO_INCREMENT column: half its range is never used"),
    AUTO_INCREMENT_NARROW("auto-increment-narrow", "makes an AUTO_INCREMENT column narrower than BIGINT: a busy table runs out of ids"),
    NONDETERMINISTIC_DEFAULT("nondeterministic-default", "gives a column a default that differs per call (UUID(), RAND(), SYSDATE()...):"
            + " rows copied, replicated by statement or replayed differ"),
    CHAR_TOO_LONG("char-too-long", "declares a CHAR longer than 50: every value is padded to the full width; VARCHAR"),
    VARCHAR_TOO_LONG("varchar-too-long", "declares a VARCHAR longer than 2560: too long to index whole, stored off-page; TEXT says so"),
    COLUMN_CHARSET("column-charset", "gives a column its own character set or collation: comparisons and joins with other columns"
            + " convert, and skip their indexes"),
    UTF8MB3("utf8mb3", "uses utf8/utf8mb3, three-byte UTF-8 that cannot store emoji or other 4-byte characters and is deprecated;"
            + " utf8mb4"),
    NO_PRIMARY_KEY("no-primary-key", "creates a table without a primary key: row-based replication scans for every change, and online"
            + " schema tools need one"),
    IMPLICIT_CHARSET("implicit-charset", "creates a table without a character set: it takes the server's default, which differs"
            + " between servers"),
    IMPLICIT_COLLATION("implicit-collation", "creates a table without a collation: it takes the character set's default, which"
            + " differs between MySQL 8 (utf8mb4_0900_ai_ci) and MariaDB (utf8mb4_general_ci)"),
    ENGINE_NOT_INNODB("engine-not-innodb", "uses a storage engine other than InnoDB: no transactions or crash safety for its rows"),
    AUTO_INCREMENT_START("auto-increment-start", "creates a table with an AUTO_INCREMENT start value: ids differ between targets created"
            + " at different times"),
    PARTITIONED_TABLE("partitioned-table", "partitions a table: every unique key must include the partitioning columns, and many"
            + " changes then work per partition"),
    CREATE_TABLE_AS_SELECT("create-table-as-select", "creates a table from a SELECT: unsafe under GTID replication before MySQL"
            + " 8.0.21, and the columns' types are whatever the query gives"),
    DROP_PRIMARY_KEY("drop-primary-key", "drops a table's primary key without adding another"),
    MERGE_ALTERS("merge-alters", "changes a table again that this script already altered: one ALTER TABLE with several clauses reads"
            + " the table once"),
    NULLABLE_UNIQUE("nullable-unique", "puts a unique key on a nullable column: any number of rows may hold NULL"),
    FOREIGN_KEY_WITHOUT_INDEX("foreign-key-without-index", "adds a foreign key whose columns lead no index: InnoDB creates one of its"
            + " own, named after the constraint, that no script declares"),
    CASCADE_DELETE("cascade-delete", "adds a foreign key with ON DELETE CASCADE: deleting a parent row silently deletes its children"),
    INDEX_TOO_MANY_COLUMNS("index-too-many-columns", "creates an index over more than 5 columns"),
    TOO_MANY_INDEXES("too-many-indexes", "gives a table more than 10 secondary indexes: every write updates each of them"),
    DUPLICATE_INDEX("duplicate-index", "adds an index that another index already serves (the same columns, or a leftmost part of"
            + " them)"),
    UNNAMED_CONSTRAINT("unnamed-constraint", "adds a foreign key or check constraint without a name: the server picks one (and"
            + " MySQL and MariaDB pick differently for checks), so no later script can rely on it"),
    IDENTIFIER_TOO_LONG("identifier-too-long", "names a table, column or key with more than 64 characters: the server refuses it"),
    RESERVED_WORD("reserved-word", "names a table or column with a reserved word: every query must quote it"),
    IDENTIFIER_NEEDS_QUOTING("identifier-needs-quoting", "names a table or column with characters beyond letters, digits, _ and $: every"
            + " query must quote it"),
    TABLE_NAME_CASE("table-name-case", "names a table with capital letters: whether the name is case-sensitive depends on the"
            + " server's lower_case_table_names, which differs between Linux and macOS or Windows"),
    INSERT_WITHOUT_COLUMNS("insert-without-columns", "inserts without naming the columns: the script breaks, or fills the wrong"
            + " columns, once the table's columns change"),
    INSERT_SELECT_STAR("insert-select-star", "inserts the result of SELECT *: breaks when either table's columns change"),
    VIEW_SELECT_STAR("view-select-star", "creates a view with SELECT *: the server fixes the column list when the view is created, so"
            + " columns added later never show"),
    DML_LIMIT("dml-limit", "updates or deletes with LIMIT and no ORDER BY: which rows is undefined, and replicas may pick others"),
    FOREIGN_KEY_CHECKS_OFF("foreign-key-checks-off", "turns FOREIGN_KEY_CHECKS off: rows that break foreign keys can go in"),
    TRANSACTION_CONTROL("transaction-control", "controls the transaction itself (START TRANSACTION, COMMIT, ROLLBACK, autocommit):"
            + " the migration tool already does"),
    LOCK_TABLES("lock-tables", "locks tables explicitly: the application waits until the script unlocks them or ends"),
    PRIVILEGES("privileges", "grants, revokes or manages users and roles: access belongs to the platform's own tooling, not to schema"
            + " history"),
    GLOBAL_SETTING("global-setting", "changes a server-wide setting (SET GLOBAL/PERSIST): affects every schema and application on"
            + " the server"),
    SQL_MODE_CHANGE("sql-mode-change", "changes sql_mode for the rest of the run: later statements run under rules their authors did"
            + " not expect"),
    TRIGGER("trigger", "creates a trigger: logic that runs unseen on every write, and that online schema tools must work around"),
    STORED_ROUTINE("stored-routine", "creates a stored procedure, function or event: logic kept in the database, outside the"
            + " application's tests"),
    EXPLICIT_DEFINER("explicit-definer", "names a DEFINER: the account must exist on every target, or the object fails when used");

    private final String id;
    private final LintSeverity defaultSeverity;
    private final String description;

    /** A structure or naming rule: it warns by default. */
    LintRule(String id, String description) {
        this(id, LintSeverity.WARN, description);
    }

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

    /** A structure or naming rule (they are declared last, from {@link #FLOAT_TYPE} on). */
    public boolean structure() {
        return ordinal() >= FLOAT_TYPE.ordinal();
    }

    public static Optional<LintRule> fromId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }
}
