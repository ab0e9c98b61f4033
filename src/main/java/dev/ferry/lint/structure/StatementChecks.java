package dev.ferry.lint.structure;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.ferry.lint.LintRule;
import dev.ferry.sql.SqlTokens.Token;

/** What a statement does beyond a table's design: how it writes rows, and what it changes around the schema. */
final class StatementChecks implements StructureCheck {

    private static final Pattern SELECT_STAR = Pattern.compile("(?is)\\bSELECT\\s+(?:ALL\\s+|DISTINCT\\s+)?(?:[`\"]?\\w+[`\"]?\\.)?\\*");
    private static final Set<String> INSERT_MODIFIERS = Set.of("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "INTO");
    private static final Set<String> OBJECTS = Set.of("VIEW", "TRIGGER", "PROCEDURE", "FUNCTION", "EVENT", "TABLE", "INDEX", "USER",
            "ROLE", "DATABASE", "SCHEMA");

    @Override
    public void check(Statement statement, Findings findings) {
        List<Token> tokens = statement.tokens();
        if (tokens.isEmpty()) {
            return;
        }
        Token first = tokens.get(0);
        if (first.is("INSERT") || first.is("REPLACE")) {
            insert(statement, findings);
        } else if ((first.is("UPDATE") || first.is("DELETE")) && statement.hasTopLevel("LIMIT") && !statement.hasTopLevel("ORDER")) {
            findings.add(LintRule.DML_LIMIT, first.upper() + " … LIMIT without ORDER BY");
        } else if (first.is("SET")) {
            set(statement, findings);
        } else if (statement.startsWith("START", "TRANSACTION") || first.is("COMMIT") || first.is("ROLLBACK") || first.is("SAVEPOINT")
                || first.is("XA") || first.is("BEGIN") && (tokens.size() == 1 || tokens.get(1).is("WORK"))) {
            findings.add(LintRule.TRANSACTION_CONTROL, first.upper());
        } else if (statement.startsWith("LOCK", "TABLES") || statement.startsWith("LOCK", "TABLE")
                || first.is("FLUSH") && statement.hasTopLevel("LOCK")) {
            findings.add(LintRule.LOCK_TABLES, first.upper() + " " + tokens.get(1).upper());
        } else if (first.is("GRANT") || first.is("REVOKE")) {
            findings.add(LintRule.PRIVILEGES, first.upper());
        } else if (first.is("CREATE") || first.is("ALTER") || first.is("DROP") || first.is("RENAME")) {
            definitionOf(statement, findings);
        }
    }

    private static void insert(Statement statement, Findings findings) {
        List<Token> tokens = statement.tokens();
        int i = 1;
        while (i < tokens.size() && tokens.get(i).kind() == dev.ferry.sql.SqlTokens.Kind.WORD
                && INSERT_MODIFIERS.contains(tokens.get(i).upper())) {
            i++;
        }
        i++; // the table
        if (i + 1 < tokens.size() && tokens.get(i).is(".")) {
            i += 2;
        }
        if (i < tokens.size() && tokens.get(i).is("PARTITION")) {
            i = dev.ferry.sql.SqlTokens.closing(tokens, i + 1);
        }
        if (i < tokens.size()) {
            Token next = tokens.get(i);
            boolean named = next.is("(") && !(i + 1 < tokens.size() && (tokens.get(i + 1).is("SELECT") || tokens.get(i + 1).is("WITH")));
            if (!named && !next.is("SET")) {
                findings.add(LintRule.INSERT_WITHOUT_COLUMNS, "INSERT INTO " + tokens.get(i - 1).text() + " " + next.upper());
            }
        }
        if (SELECT_STAR.matcher(statement.sql()).find()) {
            findings.add(LintRule.INSERT_SELECT_STAR, "INSERT … SELECT *");
        }
    }

    private static void set(Statement statement, Findings findings) {
        String sql = statement.sql().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        if (sql.matches("^set (global|persist|persist_only) .*") || sql.contains("@@global.") || sql.contains("@@persist")) {
            findings.add(LintRule.GLOBAL_SETTING, statement.sql().strip());
        } else if (sql.matches(".*\\bsql_mode\\b.*")) {
            findings.add(LintRule.SQL_MODE_CHANGE, statement.sql().strip());
        }
        if (sql.matches(".*\\bforeign_key_checks\\s*=\\s*(0|off|false)\\b.*")) {
            findings.add(LintRule.FOREIGN_KEY_CHECKS_OFF, statement.sql().strip());
        }
        if (sql.matches(".*\\bautocommit\\s*=.*")) {
            findings.add(LintRule.TRANSACTION_CONTROL, statement.sql().strip());
        }
        if (sql.matches("^set (password|default role|role)\\b.*")) {
            findings.add(LintRule.PRIVILEGES, statement.sql().strip());
        }
    }

    /** CREATE/ALTER/DROP of a view, trigger, routine, event, user or role. */
    private static void definitionOf(Statement statement, Findings findings) {
        List<Token> tokens = statement.tokens();
        String verb = tokens.get(0).upper();
        boolean definer = false;
        String object = null;
        for (int i = 1; i < tokens.size() && i < 16 && object == null; i++) {
            Token t = tokens.get(i);
            if (t.is("DEFINER") && i + 1 < tokens.size() && tokens.get(i + 1).is("=")) { // not SQL SECURITY DEFINER
                definer = true;
            } else if (t.kind() == dev.ferry.sql.SqlTokens.Kind.WORD && OBJECTS.contains(t.upper())) {
                object = t.upper();
            }
        }
        if (object == null) {
            return;
        }
        if (definer) {
            findings.add(LintRule.EXPLICIT_DEFINER, verb + " " + object + " with DEFINER");
        }
        switch (object) {
            case "USER", "ROLE" -> findings.add(LintRule.PRIVILEGES, verb + " " + object);
            case "VIEW" -> {
                if (!verb.equals("DROP") && SELECT_STAR.matcher(statement.sql()).find()) {
                    findings.add(LintRule.VIEW_SELECT_STAR, verb + " VIEW … SELECT *");
                }
            }
            case "TRIGGER" -> {
                if (verb.equals("CREATE")) {
                    findings.add(LintRule.TRIGGER, "CREATE TRIGGER");
                }
            }
            case "PROCEDURE", "FUNCTION", "EVENT" -> {
                if (verb.equals("CREATE")) {
                    findings.add(LintRule.STORED_ROUTINE, "CREATE " + object);
                }
            }
            default -> {
            }
        }
    }
}
