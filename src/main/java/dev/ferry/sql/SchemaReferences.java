package dev.ferry.sql;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which schemas a statement reaches besides the one it runs in: {@code USE other}, and names
 * qualified with a schema ({@code other.table}, {@code `other`.`table`}). Conservative: it reads the
 * statement without its comments and string literals, so a dot inside a string is no reference.
 */
public final class SchemaReferences {

    private static final String NAME = "(?:`((?:[^`]|``)+)`|([A-Za-z0-9_$]+))";
    private static final Pattern USE = Pattern.compile("(?is)^\\s*USE\\s+" + NAME);
    /** A qualified object name after a keyword that names a table, view, routine or trigger. */
    private static final Pattern QUALIFIED = Pattern.compile("(?i)\\b(?:FROM|JOIN|INTO|UPDATE|TABLE|TABLES|REFERENCES|EXISTS|VIEW"
            + "|PROCEDURE|FUNCTION|TRIGGER|CALL|LIKE|TO)\\s+" + NAME + "\\s*\\.\\s*" + "(?:`|[A-Za-z0-9_$])");
    /** SQL whose text is only known when it runs: a prepared statement. */
    private static final Pattern UNSEEN = Pattern.compile("(?is)^\\s*(PREPARE|EXECUTE)\\b");
    private static final Pattern LITERALS = Pattern.compile("'(?:[^'\\\\]|\\\\.|'')*'|\"(?:[^\"\\\\]|\\\\.|\"\")*\"");

    private SchemaReferences() {
    }

    /** The schemas {@code sql} names other than {@code own} (compared case-insensitively); empty when it stays home. */
    public static Set<String> outside(String sql, String own) {
        String code = LITERALS.matcher(SqlStatements.withoutComments(sql)).replaceAll("''");
        Set<String> schemas = new LinkedHashSet<>();
        collect(USE.matcher(code), schemas);
        collect(QUALIFIED.matcher(code), schemas);
        if (own != null) {
            schemas.removeIf(s -> s.toLowerCase(Locale.ROOT).equals(own.toLowerCase(Locale.ROOT)));
        }
        return schemas;
    }

    /** A statement of a script that reaches other schemas: the line it starts on, its text and those schemas. */
    public record Reference(int line, String statement, Set<String> schemas) {
    }

    /**
     * Every statement of {@code script} that reaches a schema other than {@code own}; with
     * {@code unseenToo}, also every statement whose SQL is only known when it runs (PREPARE, EXECUTE),
     * reported as reaching {@code "?"}.
     */
    public static java.util.List<Reference> inScript(String script, String own, boolean unseenToo) {
        java.util.List<Reference> references = new java.util.ArrayList<>();
        for (SqlStatements.Statement statement : SqlStatements.split(script)) {
            Set<String> schemas = outside(statement.sql(), own);
            if (unseenToo && UNSEEN.matcher(SqlStatements.withoutComments(statement.sql())).find()) {
                schemas.add("?");
            }
            if (!schemas.isEmpty()) {
                references.add(new Reference(statement.line(), statement.sql().strip(), schemas));
            }
        }
        return references;
    }

    private static void collect(Matcher m, Set<String> schemas) {
        while (m.find()) {
            schemas.add(m.group(1) != null ? m.group(1).replace("``", "`") : m.group(2));
        }
    }
}
