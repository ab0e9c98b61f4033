package dev.ferry.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A statement (comments already removed) as MySQL's lexer would cut it: words, quoted identifiers,
 * string literals and single-character symbols. Enough to read the shape of DDL without a grammar,
 * so a statement the parser library does not know (MariaDB's syntax, expression defaults) is still read.
 */
public final class SqlTokens {

    public enum Kind {
        /** A keyword, an unquoted identifier or a number. */
        WORD,
        /** A `quoted` or "quoted" identifier, without its quotes. */
        QUOTED,
        /** A 'string' literal, without its quotes. */
        STRING,
        SYMBOL
    }

    public record Token(Kind kind, String text) {

        /** Whether this is the keyword (or symbol) {@code word}, case aside. Quoted identifiers never are. */
        public boolean is(String word) {
            return kind != Kind.QUOTED && kind != Kind.STRING && text.equalsIgnoreCase(word);
        }

        public boolean isName() {
            return kind == Kind.WORD || kind == Kind.QUOTED;
        }

        public String upper() {
            return text.toUpperCase(Locale.ROOT);
        }
    }

    private SqlTokens() {
    }

    public static List<Token> of(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '`' || c == '"' || c == '\'') {
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (d == '\\' && c == '\'' && j + 1 < n) {
                        text.append(sql.charAt(j + 1));
                        j += 2;
                    } else if (d == c && j + 1 < n && sql.charAt(j + 1) == c) {
                        text.append(c);
                        j += 2;
                    } else if (d == c) {
                        break;
                    } else {
                        text.append(d);
                        j++;
                    }
                }
                tokens.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED, text.toString()));
                i = j + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '@') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || "_$@.".indexOf(sql.charAt(j)) >= 0 && !qualifies(sql, j))) {
                    j++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(i, j)));
                i = j;
            } else {
                tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
                i++;
            }
        }
        return tokens;
    }

    /** A dot between names (schema.table) is a symbol of its own; in a number or @@global.x it is part of the word. */
    private static boolean qualifies(String sql, int at) {
        if (sql.charAt(at) != '.') {
            return false;
        }
        int start = at;
        while (start > 0 && (Character.isLetterOrDigit(sql.charAt(start - 1)) || sql.charAt(start - 1) == '_' || sql.charAt(start - 1) == '$')) {
            start--;
        }
        boolean number = start == at || sql.substring(start, at).chars().allMatch(Character::isDigit);
        boolean variable = start > 0 && sql.charAt(start - 1) == '@';
        return !number && !variable;
    }

    /** The elements of a parenthesised list starting at {@code open} (the index of its "("), split at its top-level commas. */
    public static List<List<Token>> elements(List<Token> tokens, int open) {
        List<List<Token>> elements = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.is("(") && depth++ == 0) {
                continue;
            }
            if (t.is(")") && --depth == 0) {
                break;
            }
            if (depth == 1 && t.is(",")) {
                elements.add(current);
                current = new ArrayList<>();
            } else {
                current.add(t);
            }
        }
        if (!current.isEmpty()) {
            elements.add(current);
        }
        return elements;
    }

    /** The index just past the ")" that closes the "(" at {@code open}, or the end. */
    public static int closing(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            if (tokens.get(i).is("(")) {
                depth++;
            } else if (tokens.get(i).is(")") && --depth == 0) {
                return i + 1;
            }
        }
        return tokens.size();
    }

    /** Splits {@code tokens} at its top-level commas. */
    public static List<List<Token>> clauses(List<Token> tokens) {
        List<List<Token>> clauses = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (Token t : tokens) {
            if (t.is("(")) {
                depth++;
            } else if (t.is(")")) {
                depth--;
            }
            if (depth == 0 && t.is(",")) {
                clauses.add(current);
                current = new ArrayList<>();
            } else {
                current.add(t);
            }
        }
        if (!current.isEmpty()) {
            clauses.add(current);
        }
        return clauses;
    }
}
