package dev.ferry.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Predicate;

import dev.ferry.drift.Difference.Kind;
import dev.ferry.validation.SchemaSnapshot;

/**
 * Every difference between two schemas, object by object: tables, their options (engine, row format,
 * collation), columns (type, nullability, default, extra, collation, order), indexes (columns, prefix
 * lengths, order, uniqueness), foreign keys (columns, referenced table and columns, rules) and check
 * constraints.
 */
final class SchemaComparison {

    private final List<Difference> differences = new ArrayList<>();

    private SchemaComparison() {
    }

    static List<Difference> between(SchemaSnapshot expected, SchemaSnapshot actual, Predicate<String> ignoredTable) {
        SchemaComparison comparison = new SchemaComparison();
        for (String table : union(expected.tables(), actual.tables())) {
            if (ignoredTable.test(table)) {
                continue;
            }
            SchemaSnapshot.Table want = expected.tables().get(table);
            SchemaSnapshot.Table have = actual.tables().get(table);
            if (want == null) {
                comparison.add(Kind.TABLE_EXTRA, table, null, null, "present");
            } else if (have == null) {
                comparison.add(Kind.TABLE_MISSING, table, null, "present", null);
            } else {
                comparison.table(want, have);
            }
        }
        return comparison.differences;
    }

    private void table(SchemaSnapshot.Table want, SchemaSnapshot.Table have) {
        String table = want.name();
        for (String option : union(want.options(), have.options())) {
            changed(Kind.TABLE_OPTION, table, option, want.options().get(option), have.options().get(option));
        }
        List<String> expectedOrder = new ArrayList<>();
        List<String> actualOrder = new ArrayList<>();
        for (String column : union(want.columns(), have.columns())) {
            SchemaSnapshot.Column w = want.columns().get(column);
            SchemaSnapshot.Column h = have.columns().get(column);
            if (w == null) {
                add(Kind.COLUMN_EXTRA, table, column, null, h.definition());
            } else if (h == null) {
                add(Kind.COLUMN_MISSING, table, column, w.definition(), null);
            } else {
                changed(Kind.COLUMN_CHANGED, table, column, w.definition(), h.definition());
                changed(Kind.COLUMN_COLLATION, table, column, w.collation(), h.collation());
                expectedOrder.add(column);
                actualOrder.add(column);
            }
        }
        expectedOrder.sort((a, b) -> Integer.compare(want.columns().get(a).position(), want.columns().get(b).position()));
        actualOrder.sort((a, b) -> Integer.compare(have.columns().get(a).position(), have.columns().get(b).position()));
        changed(Kind.COLUMN_ORDER, table, null, String.join(", ", expectedOrder), String.join(", ", actualOrder));
        for (String index : union(want.indexes(), have.indexes())) {
            SchemaSnapshot.Index w = want.indexes().get(index);
            SchemaSnapshot.Index h = have.indexes().get(index);
            if (w == null) {
                add(Kind.INDEX_EXTRA, table, index, null, describe(h));
            } else if (h == null) {
                add(Kind.INDEX_MISSING, table, index, describe(w), null);
            } else {
                changed(Kind.INDEX_CHANGED, table, index, describe(w), describe(h));
            }
        }
        for (String key : union(want.foreignKeys(), have.foreignKeys())) {
            SchemaSnapshot.ForeignKey w = want.foreignKeys().get(key);
            SchemaSnapshot.ForeignKey h = have.foreignKeys().get(key);
            if (w == null) {
                add(Kind.FOREIGN_KEY_EXTRA, table, key, null, h.definition());
            } else if (h == null) {
                add(Kind.FOREIGN_KEY_MISSING, table, key, w.definition(), null);
            } else {
                changed(Kind.FOREIGN_KEY_CHANGED, table, key, w.definition(), h.definition());
            }
        }
        for (String check : union(want.checks(), have.checks())) {
            String w = want.checks().get(check);
            String h = have.checks().get(check);
            if (w == null) {
                add(Kind.CHECK_EXTRA, table, check, null, h);
            } else if (h == null) {
                add(Kind.CHECK_MISSING, table, check, w, null);
            } else {
                changed(Kind.CHECK_CHANGED, table, check, w, h);
            }
        }
    }

    private static String describe(SchemaSnapshot.Index index) {
        return (index.unique() ? "UNIQUE " : "") + "(" + String.join(", ", index.parts()) + ")";
    }

    private void changed(Kind kind, String table, String name, String expected, String actual) {
        if (!Objects.equals(expected, actual)) {
            add(kind, table, name, expected, actual);
        }
    }

    private void add(Kind kind, String table, String name, String expected, String actual) {
        differences.add(new Difference(kind, table, name, expected, actual));
    }

    private static TreeSet<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeSet<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        return names;
    }
}
