package dev.ferry.lint.structure;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.ferry.lint.LintRule;

/** The type and attributes of each column a statement defines (CREATE TABLE, ADD, MODIFY, CHANGE). */
final class ColumnChecks implements StructureCheck {

    static final int CHAR_MAX = 50;
    static final int VARCHAR_MAX = 2560;
    private static final Set<String> INTEGERS = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint");
    private static final Pattern PER_CALL = Pattern.compile("(?i)\\b(UUID|UUID_SHORT|RAND|SYSDATE|CONNECTION_ID|USER|CURRENT_USER"
            + "|SESSION_USER|SYSTEM_USER|RANDOM_BYTES|NEXTVAL)\\b");

    @Override
    public void check(Statement statement, Findings findings) {
        statement.change().ifPresent(change -> change.columns().forEach(column -> check(change.table() + "." + column.name(), column,
                findings)));
    }

    private static void check(String at, TableChange.Column column, Findings findings) {
        String type = column.type();
        switch (type) {
            case "float", "double", "real" -> findings.add(LintRule.FLOAT_TYPE, at + " is " + type.toUpperCase(Locale.ROOT));
            case "enum", "set" -> findings.add(LintRule.ENUM_OR_SET, at + " is " + type.toUpperCase(Locale.ROOT));
            case "timestamp" -> findings.add(LintRule.TIMESTAMP_2038, at + " is TIMESTAMP");
            case "char" -> column.length().filter(n -> n > CHAR_MAX).ifPresent(n -> findings.add(LintRule.CHAR_TOO_LONG, at + " is CHAR(" + n + ")"));
            case "varchar" -> column.length().filter(n -> n > VARCHAR_MAX)
                    .ifPresent(n -> findings.add(LintRule.VARCHAR_TOO_LONG, at + " is VARCHAR(" + n + ")"));
            default -> {
            }
        }
        if (column.has("ZEROFILL")) {
            findings.add(LintRule.ZEROFILL, at);
        }
        boolean integer = INTEGERS.contains(type);
        if (integer && !column.args().isEmpty() && !(type.equals("tinyint") && column.args().equals(java.util.List.of("1")))) {
            findings.add(LintRule.INTEGER_DISPLAY_WIDTH, at + " is " + type.toUpperCase(Locale.ROOT) + "(" + column.args().get(0) + ")");
        }
        if (column.has("AUTO_INCREMENT")) {
            if (!column.has("UNSIGNED")) {
                findings.add(LintRule.AUTO_INCREMENT_SIGNED, at);
            }
            if (integer && !type.equals("bigint")) {
                findings.add(LintRule.AUTO_INCREMENT_NARROW, at + " is " + type.toUpperCase(Locale.ROOT));
            }
        }
        column.defaultValue().filter(value -> PER_CALL.matcher(value).find())
                .ifPresent(value -> findings.add(LintRule.NONDETERMINISTIC_DEFAULT, at + " DEFAULT " + value));
        if (column.charset().isPresent() || column.has("COLLATE")) {
            findings.add(LintRule.COLUMN_CHARSET, at + column.charset().map(c -> " CHARACTER SET " + c).orElse(" COLLATE"));
        }
        column.charset().filter(ColumnChecks::threeByte).ifPresent(c -> findings.add(LintRule.UTF8MB3, at + " CHARACTER SET " + c));
    }

    static boolean threeByte(String charsetOrCollation) {
        String name = charsetOrCollation.toLowerCase(Locale.ROOT);
        return name.equals("utf8") || name.equals("utf8mb3") || name.startsWith("utf8_") || name.startsWith("utf8mb3_");
    }
}
