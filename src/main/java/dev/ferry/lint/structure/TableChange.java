package dev.ferry.lint.structure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.ferry.sql.SqlTokens;
import dev.ferry.sql.SqlTokens.Token;

/**
 * What a {@code CREATE TABLE}, {@code ALTER TABLE} or {@code CREATE INDEX} statement gives a table:
 * its columns as defined, its keys, its table options. Read from the statement's tokens, so MariaDB's
 * syntax and expression defaults read as well as MySQL's.
 *
 * @param creates   {@code CREATE TABLE} (else the table exists and is changed)
 * @param options   table options by name: {@code ENGINE}, {@code CHARSET}, {@code COLLATE}, {@code AUTO_INCREMENT}
 * @param copies    {@code CREATE TABLE … SELECT} or {@code … LIKE}: the columns come from elsewhere
 */
public record TableChange(String table, boolean creates, List<Column> columns, List<Key> keys, Map<String, String> options,
        boolean partitioned, boolean asSelect, boolean copies, boolean dropsPrimaryKey) {

    /**
     * A column as a statement defines it. {@code type} is the lower-case base type, {@code args} its
     * arguments ({@code varchar(20)}: 20; an enum: its values), {@code spec} the rest in upper case;
     * {@code added}: a new column (CREATE TABLE, ADD), not one MODIFY or CHANGE redefines.
     */
    public record Column(String name, String type, List<String> args, String spec, List<Token> tokens, boolean added) {

        public boolean has(String words) {
            return (" " + spec + " ").contains(" " + words + " ");
        }

        public boolean nullable() {
            return !has("NOT NULL") && !has("PRIMARY KEY") && !type.equals("serial");
        }

        public Optional<Long> length() {
            try {
                return args.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(args.get(0)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** What follows DEFAULT, up to the next attribute, as written. */
        public Optional<String> defaultValue() {
            for (int i = 0; i < tokens.size(); i++) {
                if (tokens.get(i).is("DEFAULT") && i + 1 < tokens.size()) {
                    StringBuilder value = new StringBuilder();
                    int depth = 0;
                    for (int j = i + 1; j < tokens.size(); j++) {
                        Token t = tokens.get(j);
                        if (depth == 0 && j > i + 1 && !t.is("(") && ATTRIBUTES.contains(t.upper())) {
                            break;
                        }
                        depth += t.is("(") ? 1 : t.is(")") ? -1 : 0;
                        value.append(t.text());
                    }
                    return Optional.of(value.toString());
                }
            }
            return Optional.empty();
        }

        /** The character set the column names for itself (CHARACTER SET x, CHARSET x), if any. */
        public Optional<String> charset() {
            for (int i = 0; i + 1 < tokens.size(); i++) {
                if (tokens.get(i).is("CHARSET") || tokens.get(i).is("CHARACTER") && tokens.get(i + 1).is("SET") && i + 2 < tokens.size()) {
                    return Optional.of(tokens.get(tokens.get(i).is("CHARSET") ? i + 1 : i + 2).text().toLowerCase(Locale.ROOT));
                }
            }
            return Optional.empty();
        }
    }

    public enum KeyKind {
        PRIMARY, UNIQUE, INDEX, FULLTEXT, SPATIAL, FOREIGN, CHECK;

        /** A B-tree key, which serves lookups on its leftmost columns. */
        public boolean ordered() {
            return this == PRIMARY || this == UNIQUE || this == INDEX;
        }
    }

    /** A key or constraint: its kind, its name as written (null when the server will name it), its columns. */
    public record Key(KeyKind kind, String name, List<String> columns, String references, String onDelete) {
    }

    private static final Set<String> ATTRIBUTES = Set.of("NOT", "NULL", "AUTO_INCREMENT", "PRIMARY", "UNIQUE", "KEY", "COMMENT", "COLLATE",
            "CHARACTER", "CHARSET", "REFERENCES", "CHECK", "ON", "GENERATED", "AS", "INVISIBLE", "VISIBLE", "CONSTRAINT", "FIRST", "AFTER",
            "STORED", "VIRTUAL", "PERSISTENT", "COLUMN_FORMAT", "STORAGE", "SRID");
    /** Reserved words that open a key or constraint; no unquoted column can be named so. */
    private static final Set<String> KEY_WORDS = Set.of("PRIMARY", "UNIQUE", "KEY", "INDEX", "FULLTEXT", "SPATIAL", "CONSTRAINT", "FOREIGN",
            "CHECK");

    /** The change {@code sql} makes to a table, if it is a CREATE TABLE, ALTER TABLE or CREATE INDEX. */
    public static Optional<TableChange> of(String sql) {
        return of(SqlTokens.of(sql));
    }

    /** The same, from the statement's tokens. */
    public static Optional<TableChange> of(List<Token> tokens) {
        if (tokens.size() < 3 || !(tokens.get(0).is("CREATE") || tokens.get(0).is("ALTER"))) {
            return Optional.empty();
        }
        int i = 1;
        while (i < tokens.size() && (tokens.get(i).is("OR") || tokens.get(i).is("REPLACE") || tokens.get(i).is("TEMPORARY")
                || tokens.get(i).is("ONLINE") || tokens.get(i).is("IGNORE"))) {
            i++;
        }
        if (i >= tokens.size()) {
            return Optional.empty();
        }
        if (tokens.get(i).is("TABLE")) {
            boolean creates = tokens.get(0).is("CREATE");
            if (creates && tokens.get(1).is("TEMPORARY")) {
                return Optional.empty(); // lives for one session: no design to judge
            }
            i++;
            if (i + 2 < tokens.size() && tokens.get(i).is("IF")) {
                i += tokens.get(i + 1).is("NOT") ? 3 : 2;
            }
            Name name = name(tokens, i);
            if (name == null) {
                return Optional.empty();
            }
            return Optional.of(creates ? created(name.text(), tokens, name.end()) : altered(name.text(), tokens, name.end()));
        }
        int index = i;
        while (index < tokens.size() && (tokens.get(index).is("UNIQUE") || tokens.get(index).is("FULLTEXT") || tokens.get(index).is("SPATIAL"))) {
            index++;
        }
        if (tokens.get(0).is("CREATE") && index < tokens.size() && tokens.get(index).is("INDEX")) {
            return createIndex(tokens, i, index);
        }
        return Optional.empty();
    }

    private record Name(String text, int end) {
    }

    /** A possibly schema-qualified name at {@code i}: the last part. */
    private static Name name(List<Token> tokens, int i) {
        if (i >= tokens.size() || !tokens.get(i).isName()) {
            return null;
        }
        if (i + 2 < tokens.size() && tokens.get(i + 1).is(".") && tokens.get(i + 2).isName()) {
            return new Name(tokens.get(i + 2).text(), i + 3);
        }
        return new Name(tokens.get(i).text(), i + 1);
    }

    private static TableChange created(String table, List<Token> tokens, int at) {
        List<Column> columns = new ArrayList<>();
        List<Key> keys = new ArrayList<>();
        boolean copies = at < tokens.size() && (tokens.get(at).is("LIKE") || tokens.get(at).is("AS") || tokens.get(at).is("SELECT"));
        int after = at;
        if (!copies && at < tokens.size() && tokens.get(at).is("(")) {
            if (at + 1 < tokens.size() && tokens.get(at + 1).is("LIKE")) {
                copies = true;
            } else {
                for (List<Token> element : SqlTokens.elements(tokens, at)) {
                    definition(element, columns, keys);
                }
            }
            after = SqlTokens.closing(tokens, at);
        }
        List<Token> rest = tokens.subList(Math.min(after, tokens.size()), tokens.size());
        boolean asSelect = rest.stream().anyMatch(t -> t.is("SELECT")) || at < tokens.size() && tokens.get(at).is("SELECT");
        return new TableChange(table, true, columns, keys, options(rest), rest.stream().anyMatch(t -> t.is("PARTITION")), asSelect,
                copies || asSelect, false);
    }

    private static TableChange altered(String table, List<Token> tokens, int at) {
        List<Column> columns = new ArrayList<>();
        List<Key> keys = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        boolean partitioned = false;
        boolean dropsPrimaryKey = false;
        for (List<Token> clause : SqlTokens.clauses(tokens.subList(at, tokens.size()))) {
            if (clause.isEmpty()) {
                continue;
            }
            Token first = clause.get(0);
            if (first.is("ADD")) {
                int i = 1;
                if (i < clause.size() && clause.get(i).is("COLUMN")) {
                    i++;
                }
                if (i + 2 < clause.size() && clause.get(i).is("IF") && clause.get(i + 1).is("NOT")) {
                    i += 3;
                }
                List<Token> rest = clause.subList(Math.min(i, clause.size()), clause.size());
                if (!rest.isEmpty() && rest.get(0).is("(")) {
                    SqlTokens.elements(rest, 0).forEach(e -> definition(e, columns, keys));
                } else if (!rest.isEmpty() && rest.get(0).is("PARTITION")) {
                    partitioned = true;
                } else {
                    definition(rest, columns, keys);
                }
            } else if (first.is("MODIFY") || first.is("CHANGE")) {
                int i = 1;
                if (i < clause.size() && clause.get(i).is("COLUMN")) {
                    i++;
                }
                if (i + 1 < clause.size() && clause.get(i).is("IF") && clause.get(i + 1).is("EXISTS")) {
                    i += 2;
                }
                if (first.is("CHANGE")) {
                    i++; // the old name
                }
                if (i < clause.size()) {
                    column(clause.subList(i, clause.size()), false).ifPresent(columns::add);
                }
            } else if (first.is("DROP") && clause.size() > 2 && clause.get(1).is("PRIMARY") && clause.get(2).is("KEY")) {
                dropsPrimaryKey = true;
            } else if (first.is("PARTITION")) {
                partitioned = true;
            } else if (first.is("CONVERT") && clause.size() > 4) {
                options.putAll(options(clause.subList(2, clause.size())));
            } else {
                options.putAll(options(clause));
            }
        }
        return new TableChange(table, false, columns, keys, options, partitioned, false, false,
                dropsPrimaryKey && keys.stream().noneMatch(k -> k.kind() == KeyKind.PRIMARY));
    }

    private static Optional<TableChange> createIndex(List<Token> tokens, int kindAt, int indexAt) {
        KeyKind kind = tokens.get(kindAt).is("UNIQUE") ? KeyKind.UNIQUE : tokens.get(kindAt).is("FULLTEXT") ? KeyKind.FULLTEXT
                : tokens.get(kindAt).is("SPATIAL") ? KeyKind.SPATIAL : KeyKind.INDEX;
        int i = indexAt + 1;
        if (i + 2 < tokens.size() && tokens.get(i).is("IF")) {
            i += 3;
        }
        if (i + 2 >= tokens.size() || !tokens.get(i).isName()) {
            return Optional.empty();
        }
        String keyName = tokens.get(i).text();
        i++;
        while (i < tokens.size() && !tokens.get(i).is("ON")) {
            i++;
        }
        Name table = name(tokens, i + 1);
        if (table == null || table.end() >= tokens.size() || !tokens.get(table.end()).is("(")) {
            return Optional.empty();
        }
        Key key = new Key(kind, keyName, keyColumns(tokens, table.end()), null, null);
        return Optional.of(new TableChange(table.text(), false, List.of(), List.of(key), Map.of(), false, false, false, false));
    }

    /** One element of a table's definition: a key or constraint, or a column (which may declare keys of its own). */
    private static void definition(List<Token> element, List<Column> columns, List<Key> keys) {
        if (element.isEmpty()) {
            return;
        }
        if (element.get(0).kind() == SqlTokens.Kind.WORD && KEY_WORDS.contains(element.get(0).upper())) {
            key(element).ifPresent(keys::add);
            return;
        }
        if (element.size() > 1 && element.get(0).is("PERIOD") && element.get(1).is("FOR")) {
            return; // MariaDB's system-versioning period: no column
        }
        column(element, true).ifPresent(column -> {
            columns.add(column);
            if (column.has("PRIMARY KEY") || column.spec().matches("^(.* )?KEY( .*)?$") && !column.has("UNIQUE")) {
                keys.add(new Key(KeyKind.PRIMARY, "PRIMARY", List.of(column.name()), null, null));
            } else if (column.has("UNIQUE")) {
                keys.add(new Key(KeyKind.UNIQUE, null, List.of(column.name()), null, null));
            }
            int references = indexOf(column.tokens(), "REFERENCES");
            if (references >= 0 && references + 1 < column.tokens().size()) {
                keys.add(new Key(KeyKind.FOREIGN, null, List.of(column.name()), column.tokens().get(references + 1).text(),
                        onDelete(column.tokens())));
            }
        });
    }

    private static Optional<Key> key(List<Token> element) {
        int i = 0;
        String name = null;
        if (element.get(0).is("CONSTRAINT")) {
            i = 1;
            if (i < element.size() && element.get(i).isName() && !KEY_WORDS.contains(element.get(i).upper())) {
                name = element.get(i).text();
                i++;
            }
        }
        if (i >= element.size()) {
            return Optional.empty();
        }
        Token word = element.get(i);
        KeyKind kind = switch (word.upper()) {
            case "PRIMARY" -> KeyKind.PRIMARY;
            case "UNIQUE" -> KeyKind.UNIQUE;
            case "FULLTEXT" -> KeyKind.FULLTEXT;
            case "SPATIAL" -> KeyKind.SPATIAL;
            case "FOREIGN" -> KeyKind.FOREIGN;
            case "CHECK" -> KeyKind.CHECK;
            case "KEY", "INDEX" -> KeyKind.INDEX;
            default -> null;
        };
        if (kind == null) {
            return Optional.empty();
        }
        if (kind == KeyKind.CHECK) {
            return Optional.of(new Key(kind, name, List.of(), null, null));
        }
        i++;
        while (i < element.size() && (element.get(i).is("KEY") || element.get(i).is("INDEX"))) {
            i++;
        }
        if (i < element.size() && element.get(i).isName() && !element.get(i).is("USING")) {
            if (kind != KeyKind.PRIMARY) {
                name = element.get(i).text(); // MySQL ignores a primary key's own name
            }
            i++;
        }
        while (i < element.size() && !element.get(i).is("(")) {
            i++;
        }
        if (i >= element.size()) {
            return Optional.empty();
        }
        List<String> columns = keyColumns(element, i);
        String references = null;
        int ref = indexOf(element, "REFERENCES");
        if (ref >= 0 && ref + 1 < element.size()) {
            Name parent = name(element, ref + 1);
            references = parent == null ? null : parent.text();
        }
        return Optional.of(new Key(kind, kind == KeyKind.PRIMARY ? "PRIMARY" : name, columns, references, onDelete(element)));
    }

    /** The columns of a key's list: names (prefix lengths and ASC/DESC dropped), or an expression as "(expr)". */
    private static List<String> keyColumns(List<Token> tokens, int open) {
        List<String> columns = new ArrayList<>();
        for (List<Token> part : SqlTokens.elements(tokens, open)) {
            if (!part.isEmpty()) {
                columns.add(part.get(0).isName() ? part.get(0).text() : "(expression)");
            }
        }
        return columns;
    }

    private static Optional<Column> column(List<Token> element, boolean added) {
        if (element.size() < 2 || !element.get(0).isName() || element.get(1).kind() != SqlTokens.Kind.WORD) {
            return Optional.empty();
        }
        String type = element.get(1).text().toLowerCase(Locale.ROOT);
        int i = 2;
        if (type.equals("double") && i < element.size() && element.get(i).is("PRECISION")) {
            i++;
        }
        List<String> args = new ArrayList<>();
        if (i < element.size() && element.get(i).is("(")) {
            for (List<Token> arg : SqlTokens.elements(element, i)) {
                args.add(arg.stream().map(Token::text).reduce("", String::concat));
            }
            i = SqlTokens.closing(element, i);
        }
        List<Token> rest = element.subList(Math.min(i, element.size()), element.size());
        StringBuilder spec = new StringBuilder();
        for (Token t : rest) {
            spec.append(spec.isEmpty() ? "" : " ").append(t.kind() == SqlTokens.Kind.WORD || t.kind() == SqlTokens.Kind.SYMBOL ? t.upper() : "?");
        }
        return Optional.of(new Column(element.get(0).text(), type, args, spec.toString(), rest, added));
    }

    private static String onDelete(List<Token> tokens) {
        for (int i = 0; i + 2 < tokens.size(); i++) {
            if (tokens.get(i).is("ON") && tokens.get(i + 1).is("DELETE")) {
                return tokens.get(i + 2).upper() + (i + 3 < tokens.size() && tokens.get(i + 2).is("SET") ? " " + tokens.get(i + 3).upper() : "");
            }
        }
        return null;
    }

    private static int indexOf(List<Token> tokens, String word) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).is(word)) {
                return i;
            }
        }
        return -1;
    }

    /** Table options: ENGINE, CHARSET (however spelled), COLLATE and AUTO_INCREMENT, with or without "=" and DEFAULT. */
    private static Map<String, String> options(List<Token> tokens) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            String option = t.is("ENGINE") ? "ENGINE" : t.is("CHARSET") ? "CHARSET" : t.is("COLLATE") ? "COLLATE"
                    : t.is("AUTO_INCREMENT") ? "AUTO_INCREMENT" : t.is("CHARACTER") && i + 1 < tokens.size() && tokens.get(i + 1).is("SET")
                    ? "CHARSET" : null;
            if (option == null) {
                if (t.is("PARTITION") || t.is("SELECT") || t.is("AS")) {
                    break; // what follows is not the table's options
                }
                continue;
            }
            int v = i + (t.is("CHARACTER") ? 2 : 1);
            if (v < tokens.size() && tokens.get(v).is("=")) {
                v++;
            }
            if (v < tokens.size()) {
                options.put(option, tokens.get(v).text());
                i = v;
            }
        }
        return options;
    }
}
