package dev.ferry.lint;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ferry.Identifiers;

/**
 * The data rules: which statements the server will refuse because of rows the target holds now,
 * found before anything runs. Each becomes a question to the target ({@link ScriptLinter.TargetFacts#rowsWhere},
 * {@link ScriptLinter.TargetFacts#duplicates}) over the table as {@code checked}; the answer is the count
 * and up to five keys of the rows at fault. Only a change that can lose or refuse values is checked: a
 * widening costs no query.
 */
final class DataChecks {

    /**
     * One data check and what it found: the rule, what was checked (and for a column change, which
     * column), how many rows are at fault (0: the check passed), up to five of them, and whether only
     * a sample was read.
     */
    record Violation(LintRule rule, String detail, String column, long rows, List<String> sample, boolean sampled) {

        boolean found() {
            return rows > 0;
        }
    }

    private static final String NAME = "(`(?:[^`]|``)+`|[A-Za-z0-9_$]+)";
    private static final String QUALIFIED = "((?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)(?:\\s*\\.\\s*(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+))?)";
    private static final Pattern ALTER = Pattern.compile("(?is)^\\s*ALTER\\s+(ONLINE\\s+)?(IGNORE\\s+)?TABLE\\s+" + QUALIFIED + "\\s+(.*)$");
    private static final Pattern CREATE_UNIQUE = Pattern.compile("(?is)^\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?UNIQUE\\s+INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"
            + NAME + "\\s+(?:USING\\s+\\w+\\s+)?ON\\s+" + QUALIFIED + "\\s*\\((.*)\\)");
    private static final Pattern ADD_KEY = Pattern.compile("(?is)^ADD\\s+(?:CONSTRAINT\\s+(?:" + NAME + "\\s+)?)?(PRIMARY\\s+KEY|UNIQUE(?:\\s+(?:INDEX|KEY))?)"
            + "(?:\\s+(?!USING\\b)" + NAME + ")?(?:\\s+USING\\s+\\w+)?\\s*\\((.*)\\)");
    private static final Pattern ADD_FOREIGN_KEY = Pattern.compile("(?is)^ADD\\s+(?:CONSTRAINT\\s+(?:" + NAME + "\\s+)?)?FOREIGN\\s+KEY(?:\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"
            + NAME + ")?\\s*\\(([^)]*)\\)\\s*REFERENCES\\s+" + QUALIFIED + "\\s*\\(([^)]*)\\)");
    private static final Pattern ADD_CHECK = Pattern.compile("(?is)^ADD\\s+(?:CONSTRAINT\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:" + NAME + "\\s+)?)?CHECK\\s*(\\(.*\\))");
    private static final Pattern MODIFY = Pattern.compile("(?is)^MODIFY\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?" + NAME + "\\s+(.*)$");
    private static final Pattern CHANGE = Pattern.compile("(?is)^CHANGE\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?" + NAME + "\\s+" + NAME + "\\s+(.*)$");
    private static final Pattern TYPE = Pattern.compile("(?is)^([a-z]+)\\s*(?:\\(((?:'(?:[^']|'')*'|[^)'])*)\\))?\\s*(unsigned)?");
    private static final Pattern CHARSET = Pattern.compile("(?i)\\b(?:CHARACTER\\s+SET|CHARSET)\\s*=?\\s*([A-Za-z0-9_]+)");
    private static final Pattern NOT_NULL = Pattern.compile("(?i)\\bNOT\\s+NULL\\b");
    private static final Pattern QUOTED = Pattern.compile("'((?:[^']|'')*)'");
    private static final Pattern NAME_PART = Pattern.compile(NAME);
    private static final Pattern KEY_PART = Pattern.compile("(?is)^\\s*" + NAME + "\\s*(?:\\(\\s*(\\d+)\\s*\\))?\\s*(?:ASC|DESC)?\\s*$");

    private static final Map<String, long[]> SIGNED = Map.of("tinyint", new long[] { -128, 127 }, "smallint", new long[] { -32_768, 32_767 },
            "mediumint", new long[] { -8_388_608, 8_388_607 }, "int", new long[] { -2_147_483_648L, 2_147_483_647L }, "integer",
            new long[] { -2_147_483_648L, 2_147_483_647L }, "bigint", new long[] { Long.MIN_VALUE, Long.MAX_VALUE });
    private static final Map<String, Long> UNSIGNED_MAX = Map.of("tinyint", 255L, "smallint", 65_535L, "mediumint", 16_777_215L, "int",
            4_294_967_295L, "integer", 4_294_967_295L);
    private static final Set<String> CHARACTERS = Set.of("varchar", "char");
    private static final Set<String> BYTES = Set.of("varbinary", "binary");

    private DataChecks() {
    }

    /** The statements a data rule can apply to; everything else costs nothing. */
    static boolean mayApply(String sql) {
        return ALTER.matcher(sql).lookingAt() || CREATE_UNIQUE.matcher(sql).lookingAt();
    }

    /** The table the statement changes, or empty when it is not one a data rule reads. */
    static Optional<String> table(String sql) {
        Matcher alter = ALTER.matcher(sql);
        if (alter.lookingAt()) {
            return Optional.of(last(alter.group(3)));
        }
        Matcher unique = CREATE_UNIQUE.matcher(sql);
        return unique.lookingAt() ? Optional.of(last(unique.group(2))) : Optional.empty();
    }

    /** The violations of {@code sql} against the rows {@code facts} reads; at most {@code maxRows} rows of a table are read. */
    static List<Violation> of(String sql, ScriptLinter.TargetFacts facts, long maxRows) {
        List<Violation> found = new ArrayList<>();
        Matcher unique = CREATE_UNIQUE.matcher(sql);
        if (unique.lookingAt()) {
            unique(last(unique.group(2)), unique.group(3), false, facts, maxRows, found);
            return found;
        }
        Matcher alter = ALTER.matcher(sql);
        if (!alter.lookingAt()) {
            return found;
        }
        // ALTER IGNORE TABLE drops duplicate rows instead of failing: another risk, not this rule's.
        boolean ignore = alter.group(2) != null;
        String table = last(alter.group(3));
        for (String clause : clauses(alter.group(4))) {
            Matcher key = ADD_KEY.matcher(clause);
            Matcher foreignKey = ADD_FOREIGN_KEY.matcher(clause);
            Matcher check = ADD_CHECK.matcher(clause);
            Matcher modify = MODIFY.matcher(clause);
            Matcher change = CHANGE.matcher(clause);
            if (key.lookingAt()) {
                boolean primary = key.group(2).toUpperCase(Locale.ROOT).startsWith("PRIMARY");
                if (!ignore) {
                    unique(table, key.group(4), primary, facts, maxRows, found);
                }
            } else if (foreignKey.lookingAt() && !facts.rowsChangedEarlier(last(foreignKey.group(4)))) {
                foreignKey(table, names(foreignKey.group(3)), last(foreignKey.group(4)), names(foreignKey.group(5)), facts, maxRows, found);
            } else if (check.lookingAt()) {
                String expression = balanced(check.group(2));
                rows(LintRule.CHECK_VIOLATIONS, table, "NOT (" + expression + ")", "CHECK " + expression, facts, maxRows, found);
            } else if (change.lookingAt()) {
                column(table, Identifiers.unquote(change.group(1)), change.group(3), facts, maxRows, found);
            } else if (modify.lookingAt()) {
                column(table, Identifiers.unquote(modify.group(1)), modify.group(2), facts, maxRows, found);
            }
        }
        return found;
    }

    private static void unique(String table, String keyParts, boolean primary, ScriptLinter.TargetFacts facts, long maxRows,
            List<Violation> found) {
        List<String> expressions = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (String part : splitTopLevel(keyParts)) {
            Matcher m = KEY_PART.matcher(part);
            if (!m.matches()) {
                return; // an expression key (MySQL functional index): not judged
            }
            String column = Identifiers.unquote(m.group(1));
            columns.add(column);
            expressions.add(m.group(2) == null ? column(column) : "LEFT(" + column(column) + ", " + m.group(2) + ")");
        }
        String what = (primary ? "PRIMARY KEY (" : "UNIQUE (") + String.join(", ", columns) + ")";
        ScriptLinter.Rows duplicates = facts.duplicates(table, expressions, maxRows);
        found.add(new Violation(LintRule.UNIQUE_DUPLICATES, what + " on " + table + ": " + duplicates.count() + " value(s) held by more than"
                + " one row", null, duplicates.count(), duplicates.sample(), duplicates.sampled()));
        if (primary) {
            for (String column : columns) {
                rows(LintRule.NOT_NULL_NULLS, table, column(column) + " IS NULL", what + " needs " + column + " NOT NULL", facts, maxRows, found);
            }
        }
    }

    private static void foreignKey(String table, List<String> columns, String parent, List<String> parentColumns, ScriptLinter.TargetFacts facts,
            long maxRows, List<Violation> found) {
        if (columns.isEmpty() || columns.size() != parentColumns.size()) {
            return;
        }
        List<String> present = new ArrayList<>();
        List<String> matches = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            present.add(column(columns.get(i)) + " IS NOT NULL");
            matches.add("p." + Identifiers.quote(parentColumns.get(i)) + " = " + column(columns.get(i)));
        }
        String condition = String.join(" AND ", present) + " AND NOT EXISTS (SELECT 1 FROM " + Identifiers.quote(parent) + " p WHERE "
                + String.join(" AND ", matches) + ")";
        rows(LintRule.FOREIGN_KEY_ORPHANS, table, condition, "FOREIGN KEY (" + String.join(", ", columns) + ") REFERENCES " + parent + " ("
                + String.join(", ", parentColumns) + ")", facts, maxRows, found);
    }

    /** MODIFY or CHANGE: NOT NULL over NULLs, a type or length that cannot hold the values, removed enum values, another charset. */
    private static void column(String table, String column, String definition, ScriptLinter.TargetFacts facts, long maxRows,
            List<Violation> found) {
        Optional<ScriptLinter.ColumnType> current = facts.columnType(table, column);
        if (current.isEmpty()) {
            return; // a column this run adds, or none: no rows hold it
        }
        ScriptLinter.ColumnType before = current.get();
        String c = column(column);
        String where = table + "." + column;
        if (NOT_NULL.matcher(definition).find()) {
            rows(LintRule.NOT_NULL_NULLS, table, c + " IS NULL", where + " NOT NULL", facts, maxRows, found);
        }
        Matcher type = TYPE.matcher(definition.trim());
        if (!type.lookingAt()) {
            return;
        }
        String name = type.group(1).toLowerCase(Locale.ROOT);
        String args = type.group(2);
        boolean unsigned = type.group(3) != null;
        String beforeType = before.dataType();
        if ((CHARACTERS.contains(name) || BYTES.contains(name)) && args != null && args.trim().matches("\\d+")) {
            long length = Long.parseLong(args.trim());
            Long beforeLength = before.length();
            if (beforeLength == null || beforeLength > length) {
                rows(LintRule.VALUE_DOES_NOT_FIT, table, column, (BYTES.contains(name) ? "LENGTH(" : "CHAR_LENGTH(") + c + ") > " + length,
                        where + " to " + name.toUpperCase(Locale.ROOT) + "(" + length + ")", facts, maxRows, found);
            }
        } else if (SIGNED.containsKey(name)) {
            long min = unsigned ? 0 : SIGNED.get(name)[0];
            long max = unsigned ? UNSIGNED_MAX.getOrDefault(name, Long.MAX_VALUE) : SIGNED.get(name)[1];
            if (!fitsWithin(before, min, max)) {
                rows(LintRule.VALUE_DOES_NOT_FIT, table, column, "(" + c + " < " + min + " OR " + c + " > " + max + ")", where + " to "
                        + name.toUpperCase(Locale.ROOT) + (unsigned ? " UNSIGNED" : "") + " (" + min + " to " + max + ")", facts, maxRows, found);
            }
        } else if ((name.equals("decimal") || name.equals("numeric")) && args != null && args.trim().matches("\\d+\\s*(,\\s*\\d+)?")) {
            String[] ps = args.split(",");
            int integral = Integer.parseInt(ps[0].trim()) - (ps.length > 1 ? Integer.parseInt(ps[1].trim()) : 0);
            boolean wasDecimal = beforeType.equals("decimal") || beforeType.equals("numeric");
            if (!wasDecimal || before.precision() == null || before.precision() - (before.scale() == null ? 0 : before.scale()) > integral) {
                rows(LintRule.VALUE_DOES_NOT_FIT, table, column, "ABS(" + c + ") >= POW(10, " + integral + ")", where + " to DECIMAL(" + args.trim()
                        + ")", facts, maxRows, found);
            }
        } else if (name.equals("enum") && args != null && beforeType.equals("enum") && before.columnType() != null) {
            Set<String> kept = values(args);
            Set<String> removed = new LinkedHashSet<>(values(before.columnType().replaceFirst("(?is)^enum\\s*\\(", "").replaceFirst("\\)\\s*$",
                    "")));
            removed.removeIf(v -> kept.stream().anyMatch(k -> k.equalsIgnoreCase(v)));
            if (!removed.isEmpty()) {
                rows(LintRule.ENUM_VALUE_IN_USE, table, column, c + " IN (" + String.join(", ", removed.stream().map(DataChecks::literal).toList()) + ")",
                        where + " without " + String.join(", ", removed), facts, maxRows, found);
            }
        }
        Matcher charset = CHARSET.matcher(definition);
        if (charset.find() && before.charset() != null && !charset.group(1).equalsIgnoreCase(before.charset())
                && (CHARACTERS.contains(name) || name.endsWith("text") || name.equals("enum"))) {
            String to = charset.group(1).toLowerCase(Locale.ROOT);
            rows(LintRule.VALUE_DOES_NOT_FIT, table, column, "CONVERT(" + c + " USING " + to + ") <> " + c, where + " to CHARACTER SET " + to, facts,
                    maxRows, found);
        }
    }

    /** Whether every value the current integer column can hold fits [min, max]; other current types are checked. */
    private static boolean fitsWithin(ScriptLinter.ColumnType before, long min, long max) {
        if (!SIGNED.containsKey(before.dataType())) {
            return false;
        }
        boolean wasUnsigned = before.columnType() != null && before.columnType().toLowerCase(Locale.ROOT).contains("unsigned");
        long beforeMin = wasUnsigned ? 0 : SIGNED.get(before.dataType())[0];
        long beforeMax = wasUnsigned ? UNSIGNED_MAX.getOrDefault(before.dataType(), Long.MAX_VALUE) : SIGNED.get(before.dataType())[1];
        return beforeMin >= min && beforeMax <= max;
    }

    private static void rows(LintRule rule, String table, String condition, String what, ScriptLinter.TargetFacts facts, long maxRows,
            List<Violation> found) {
        rows(rule, table, null, condition, what, facts, maxRows, found);
    }

    private static void rows(LintRule rule, String table, String column, String condition, String what, ScriptLinter.TargetFacts facts,
            long maxRows, List<Violation> found) {
        ScriptLinter.Rows rows = facts.rowsWhere(table, condition, maxRows);
        found.add(new Violation(rule, what + ": " + rows.count() + " row(s) of " + table + " would not take it", column == null ? null
                : Identifiers.key(table) + "." + Identifiers.key(column), rows.count(), rows.sample(), rows.sampled()));
    }

    /** The column as the checks' queries name it: on the table aliased {@code checked}. */
    private static String column(String name) {
        return "checked." + Identifiers.quote(name);
    }

    private static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static Set<String> values(String list) {
        Set<String> values = new LinkedHashSet<>();
        Matcher m = QUOTED.matcher(list);
        while (m.find()) {
            values.add(m.group(1).replace("''", "'"));
        }
        return values;
    }

    private static List<String> names(String list) {
        return splitTopLevel(list).stream().map(String::trim).filter(s -> !s.isEmpty()).map(Identifiers::unquote).toList();
    }

    /** The last part of a possibly qualified name, unquoted. */
    private static String last(String qualified) {
        List<String> parts = new ArrayList<>();
        Matcher m = NAME_PART.matcher(qualified);
        while (m.find()) {
            parts.add(m.group(1));
        }
        return Identifiers.unquote(parts.get(parts.size() - 1));
    }

    /** The text inside the parenthesis that {@code text} starts with. */
    private static String balanced(String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\'') {
                i = text.indexOf('\'', i + 1) < 0 ? text.length() : text.indexOf('\'', i + 1);
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')' && --depth == 0) {
                return text.substring(1, i);
            }
        }
        return text.substring(1);
    }

    /** An ALTER's clauses: split at commas outside parentheses and quotes. */
    private static List<String> clauses(String text) {
        return splitTopLevel(text).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"' || ch == '`') {
                quote = ch;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}
