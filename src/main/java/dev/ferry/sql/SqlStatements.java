package dev.ferry.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a MySQL script into statements with the line each starts on, respecting quotes,
 * backticks and comments. {@code DELIMITER} blocks (stored routines) are kept whole.
 */
public final class SqlStatements {

    /** One statement: its text without the terminator, the 1-based line it starts on, and its comments. */
    public record Statement(String sql, int line) {
    }

    private SqlStatements() {
    }

    public static List<Statement> split(String script) {
        List<Statement> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String delimiter = ";";
        int line = 1;
        int startLine = -1;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            // Between statements: the line break after "END//" or a comment may already be in current.
            if (startsDelimiterCommand(script, i) && withoutComments(current.toString()).isEmpty()) {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                String value = script.substring(i + "DELIMITER".length(), end).trim();
                delimiter = value.isEmpty() ? ";" : value;
                i = end;
                continue;
            }
            if (c == '\n') {
                line++;
            }
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-' || c == '#') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                line += count(script, i, end, '\n');
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(script, i, c);
                line += count(script, i + 1, end, '\n');
                if (startLine < 0) {
                    startLine = line;
                }
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (script.startsWith(delimiter, i)) {
                add(statements, current, startLine);
                current.setLength(0);
                startLine = -1;
                i += delimiter.length();
                continue;
            }
            if (startLine < 0 && !Character.isWhitespace(c)) {
                startLine = line;
            }
            current.append(c);
            i++;
        }
        add(statements, current, startLine);
        return statements;
    }

    /** The statement's text without comments, for parsing and pattern checks. */
    public static String withoutComments(String sql) {
        return sql.replaceAll("(?m)(--|#)[^\\n]*$", " ").replaceAll("(?s)/\\*.*?\\*/", " ").trim();
    }

    private static void add(List<Statement> statements, StringBuilder current, int startLine) {
        String sql = current.toString().trim();
        // A MySQL executable comment (/*!40101 SET NAMES utf8 */, as dumps write them) is a statement too.
        if (!withoutComments(sql).isEmpty() || sql.contains("/*!") || sql.contains("/*M!")) {
            statements.add(new Statement(sql, startLine < 0 ? 1 : startLine));
        }
    }

    private static boolean startsDelimiterCommand(String script, int i) {
        return script.regionMatches(true, i, "DELIMITER ", 0, "DELIMITER ".length())
                && (i == 0 || script.charAt(i - 1) == '\n');
    }

    private static int closingQuote(String script, int open, char quote) {
        int i = open + 1;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return script.length();
    }

    private static int count(String s, int from, int to, char c) {
        int count = 0;
        for (int i = from; i < to && i < s.length(); i++) {
            if (s.charAt(i) == c) {
                count++;
            }
        }
        return count;
    }
}
