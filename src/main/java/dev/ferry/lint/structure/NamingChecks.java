package dev.ferry.lint.structure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.ferry.lint.LintRule;

/** The names a statement gives tables, columns and keys. */
final class NamingChecks implements StructureCheck {

    static final int MAX_IDENTIFIER = 64;
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_$]*[A-Za-z_$][A-Za-z0-9_$]*");
    /** MySQL 8.0's and MariaDB 10.11's reserved words that a schema plausibly uses as a name (their full lists are longer). */
    private static final Set<String> RESERVED = Set.of("ACCESSIBLE", "ADD", "ALL", "ALTER", "ANALYZE", "AND", "AS", "ASC", "BEFORE", "BETWEEN",
            "BIGINT", "BINARY", "BLOB", "BOTH", "BY", "CALL", "CASCADE", "CASE", "CHANGE", "CHAR", "CHARACTER", "CHECK", "COLLATE", "COLUMN",
            "CONDITION", "CONSTRAINT", "CONTINUE", "CONVERT", "CREATE", "CROSS", "CUBE", "CUME_DIST", "CURRENT_DATE", "CURRENT_ROLE",
            "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "CURSOR", "DATABASE", "DATABASES", "DAY_HOUR", "DAY_MINUTE", "DAY_SECOND",
            "DEC", "DECIMAL", "DECLARE", "DEFAULT", "DELAYED", "DELETE", "DENSE_RANK", "DESC", "DESCRIBE", "DETERMINISTIC", "DISTINCT",
            "DISTINCTROW", "DIV", "DOUBLE", "DROP", "DUAL", "EACH", "ELSE", "ELSEIF", "EMPTY", "ENCLOSED", "ESCAPED", "EXCEPT", "EXISTS", "EXIT",
            "EXPLAIN", "FALSE", "FETCH", "FIRST_VALUE", "FLOAT", "FOR", "FORCE", "FOREIGN", "FROM", "FULLTEXT", "FUNCTION", "GENERATED", "GET",
            "GRANT", "GROUP", "GROUPING", "GROUPS", "HAVING", "HIGH_PRIORITY", "IF", "IGNORE", "IN", "INDEX", "INFILE", "INNER", "INOUT",
            "INSENSITIVE", "INSERT", "INT", "INTEGER", "INTERSECT", "INTERVAL", "INTO", "IS", "ITERATE", "JOIN", "JSON_TABLE", "KEY", "KEYS",
            "KILL", "LAG", "LAST_VALUE", "LATERAL", "LEAD", "LEADING", "LEAVE", "LEFT", "LIKE", "LIMIT", "LINEAR", "LINES", "LOAD", "LOCALTIME",
            "LOCALTIMESTAMP", "LOCK", "LONG", "LONGBLOB", "LONGTEXT", "LOOP", "LOW_PRIORITY", "MATCH", "MAXVALUE", "MEDIUMBLOB", "MEDIUMINT",
            "MEDIUMTEXT", "MOD", "MODIFIES", "NATURAL", "NOT", "NO_WRITE_TO_BINLOG", "NTH_VALUE", "NTILE", "NULL", "NUMERIC", "OF", "OFFSET",
            "ON", "OPTIMIZE", "OPTION", "OPTIONALLY", "OR", "ORDER", "OUT", "OUTER", "OUTFILE", "OVER", "PARTITION", "PERCENT_RANK",
            "PRECISION", "PRIMARY", "PROCEDURE", "PURGE", "RANGE", "RANK", "READ", "READS", "REAL", "RECURSIVE", "REFERENCES", "REGEXP",
            "RELEASE", "RENAME", "REPEAT", "REPLACE", "REQUIRE", "RESIGNAL", "RESTRICT", "RETURN", "RETURNING", "REVOKE", "RIGHT", "RLIKE",
            "ROW", "ROWS", "ROW_NUMBER", "SCHEMA", "SCHEMAS", "SELECT", "SENSITIVE", "SEPARATOR", "SET", "SHOW", "SIGNAL", "SMALLINT",
            "SPATIAL", "SPECIFIC", "SQL", "SQLEXCEPTION", "SQLSTATE", "SQLWARNING", "STARTING", "STORED", "STRAIGHT_JOIN", "SYSTEM", "TABLE",
            "TERMINATED", "THEN", "TINYBLOB", "TINYINT", "TINYTEXT", "TO", "TRAILING", "TRIGGER", "TRUE", "UNDO", "UNION", "UNIQUE", "UNLOCK",
            "UNSIGNED", "UPDATE", "USAGE", "USE", "USING", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "VALUES", "VARBINARY", "VARCHAR",
            "VARCHARACTER", "VARYING", "VIRTUAL", "WHEN", "WHERE", "WHILE", "WINDOW", "WITH", "WRITE", "XOR", "YEAR_MONTH", "ZEROFILL");

    @Override
    public void check(Statement statement, Findings findings) {
        statement.change().ifPresent(change -> {
            List<String> names = new ArrayList<>();
            if (change.creates()) {
                names.add(change.table());
                if (!change.table().equals(change.table().toLowerCase(Locale.ROOT))) {
                    findings.add(LintRule.TABLE_NAME_CASE, change.table());
                }
            }
            change.columns().forEach(c -> names.add(c.name()));
            for (String name : names) {
                if (RESERVED.contains(name.toUpperCase(Locale.ROOT))) {
                    findings.add(LintRule.RESERVED_WORD, name);
                } else if (!PLAIN.matcher(name).matches()) {
                    findings.add(LintRule.IDENTIFIER_NEEDS_QUOTING, "'" + name + "'");
                }
            }
            change.keys().stream().map(TableChange.Key::name).filter(n -> n != null).forEach(names::add);
            names.stream().filter(n -> n.length() > MAX_IDENTIFIER).forEach(n -> findings.add(LintRule.IDENTIFIER_TOO_LONG, n + " ("
                    + n.length() + " characters)"));
        });
    }
}
