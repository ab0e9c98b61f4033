package dev.ferry.lint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ferry.lint.structure.TableChange;

/**
 * The target as it will be when each statement of a batch runs: the live facts, plus what the
 * statements before it created, filled, dropped or retyped. A drop of a table this batch created
 * empties nothing the application holds; a narrowing after a widening is judged against the widened
 * type.
 */
final class BatchFacts implements ScriptLinter.TargetFacts {

    private static final String NAME = "`?([A-Za-z0-9_$]+)`?";
    private static final Pattern CREATE_TABLE = Pattern.compile("(?is)^\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"
            + NAME);
    private static final Pattern FILL = Pattern.compile("(?is)^\\s*(?:INSERT(?:\\s+IGNORE)?\\s+INTO|REPLACE\\s+INTO|LOAD\\s+DATA\\b.*?\\bINTO\\s+TABLE)\\s+"
            + NAME);
    private static final Pattern DROP_TABLE = Pattern.compile("(?is)^\\s*DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(.+)$");
    /** Statements that change a table's rows: a data check cannot predict what they leave. */
    private static final Pattern CHANGE_ROWS = Pattern.compile("(?is)^\\s*(?:UPDATE(?:\\s+LOW_PRIORITY)?(?:\\s+IGNORE)?|DELETE(?:\\s+LOW_PRIORITY)?"
            + "(?:\\s+QUICK)?(?:\\s+IGNORE)?\\s+FROM|TRUNCATE(?:\\s+TABLE)?)\\s+" + NAME);
    private static final Pattern RENAME_TABLE = Pattern.compile("(?is)^\\s*RENAME\\s+TABLE\\s+" + NAME + "\\s+TO\\s+" + NAME);

    private final ScriptLinter.TargetFacts live;
    private final Set<String> created = new HashSet<>();
    private final Set<String> filled = new HashSet<>();
    private final Set<String> rowsChanged = new HashSet<>();
    private final Set<String> dropped = new HashSet<>();
    private final Map<String, Set<String>> addedColumns = new HashMap<>();
    private final Map<String, ScriptLinter.ColumnType> retyped = new HashMap<>();
    private final Map<String, List<TableChange.Key>> addedKeys = new HashMap<>();

    BatchFacts(ScriptLinter.TargetFacts live) {
        this.live = live;
    }

    @Override
    public boolean hasRows(String table) {
        String key = key(table);
        if (filled.contains(key)) {
            return true;
        }
        return !created.contains(key) && !dropped.contains(key) && live.hasRows(table);
    }

    @Override
    public long estimatedRows(String table) {
        String key = key(table);
        return created.contains(key) || dropped.contains(key) ? 0 : live.estimatedRows(table);
    }

    @Override
    public Optional<ScriptLinter.ColumnType> columnType(String table, String column) {
        ScriptLinter.ColumnType type = retyped.get(key(table) + "." + key(column));
        if (type != null) {
            return Optional.of(type);
        }
        return created.contains(key(table)) || addedColumns.getOrDefault(key(table), Set.of()).contains(key(column)) ? Optional.empty()
                : live.columnType(table, column);
    }

    /** A table this run created holds no rows the statement would meet; any other is asked live. */
    @Override
    public ScriptLinter.Rows rowsWhere(String table, String condition, long maxRows) {
        return created.contains(key(table)) ? ScriptLinter.Rows.NONE : live.rowsWhere(table, condition, maxRows);
    }

    @Override
    public ScriptLinter.Rows duplicates(String table, List<String> expressions, long maxRows) {
        return created.contains(key(table)) ? ScriptLinter.Rows.NONE : live.duplicates(table, expressions, maxRows);
    }

    /** Live keys of a table the run did not create, and the keys earlier statements of the run gave it. */
    @Override
    public List<TableChange.Key> keys(String table) {
        String key = key(table);
        List<TableChange.Key> keys = new ArrayList<>();
        if (!created.contains(key) && !dropped.contains(key)) {
            keys.addAll(live.keys(table));
        }
        keys.addAll(addedKeys.getOrDefault(key, List.of()));
        return keys;
    }

    @Override
    public String schema() {
        return live.schema();
    }

    @Override
    public boolean rowsChangedEarlier(String table) {
        String key = key(table);
        return filled.contains(key) || rowsChanged.contains(key);
    }

    /** Whether the table, or the column of it, was created by an earlier statement of this batch. */
    boolean createdInBatch(String table, String column) {
        return created.contains(key(table)) || column != null && addedColumns.getOrDefault(key(table), Set.of()).contains(key(column));
    }

    /** Notes what a statement that has now run did to the schema and the data. */
    void ran(String sql, Optional<TableChange> tableChange) {
        tableChange.ifPresent(change -> {
            if (change.creates()) {
                addedKeys.remove(key(change.table()));
            }
            addedKeys.computeIfAbsent(key(change.table()), t -> new ArrayList<>()).addAll(change.keys());
            if (!change.creates()) {
                change.columns().stream().filter(TableChange.Column::added).forEach(c -> columnAdded(change.table(), c.name()));
            }
        });
        Matcher m;
        if ((m = CREATE_TABLE.matcher(sql)).find()) {
            created.add(key(m.group(1)));
            dropped.remove(key(m.group(1)));
            // CREATE TABLE … SELECT or … LIKE may bring rows: count them as filled to stay on the safe side.
            if (sql.toUpperCase(Locale.ROOT).contains("SELECT")) {
                filled.add(key(m.group(1)));
            }
        } else if ((m = FILL.matcher(sql)).find()) {
            filled.add(key(m.group(1)));
        } else if ((m = CHANGE_ROWS.matcher(sql)).find()) {
            rowsChanged.add(key(m.group(1)));
        } else if ((m = RENAME_TABLE.matcher(sql)).find()) {
            String from = key(m.group(1));
            String to = key(m.group(2));
            if (created.remove(from)) {
                created.add(to);
            }
            if (filled.remove(from)) {
                filled.add(to);
            }
        } else if ((m = DROP_TABLE.matcher(sql)).find()) {
            for (String name : m.group(1).split(",")) {
                String table = key(name.replaceAll("(?i)\\s+(CASCADE|RESTRICT)\\s*$", "").trim());
                created.remove(table);
                filled.remove(table);
                dropped.add(table);
            }
        }
    }

    void columnAdded(String table, String column) {
        addedColumns.computeIfAbsent(key(table), t -> new HashSet<>()).add(key(column));
    }

    void columnRetyped(String table, String column, ScriptLinter.ColumnType type) {
        if (type != null) {
            retyped.put(key(table) + "." + key(column), type);
        }
    }

    private static String key(String name) {
        return dev.ferry.Identifiers.key(name);
    }
}
