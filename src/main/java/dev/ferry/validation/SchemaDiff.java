package dev.ferry.validation;

import dev.ferry.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What turns the schema the scripts produce ({@code current}) into the reference ({@code desired}),
 * as a draft forward script and the undo script that turns it back.
 */
public final class SchemaDiff {

    private final List<String> forward = new ArrayList<>();
    private final List<String> undo = new ArrayList<>();

    private SchemaDiff() {
    }

    /** Forward and undo statements, each list in the order it must run. */
    public record Scripts(List<String> forward, List<String> undo) {

        public boolean isEmpty() {
            return forward.isEmpty();
        }

        /** What differs, as the forward statements without their {@code ferry:allow} waiver comments, at most {@code max}. */
        List<String> differences(int max) {
            return forward.stream().map(statement -> statement.replaceAll("(?m)^--[^\n]*\n", "")).limit(max).toList();
        }
    }

    public static Scripts between(SchemaSnapshot current, SchemaSnapshot desired) {
        SchemaDiff diff = new SchemaDiff();
        List<String> createTables = new ArrayList<>();
        List<String> dropTablesUndo = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        List<String> columnsUndo = new ArrayList<>();
        List<String> addIndexes = new ArrayList<>();
        List<String> addIndexesUndo = new ArrayList<>();
        List<String> addForeignKeys = new ArrayList<>();
        List<String> addForeignKeysUndo = new ArrayList<>();
        List<String> dropForeignKeys = new ArrayList<>();
        List<String> dropForeignKeysUndo = new ArrayList<>();
        List<String> dropIndexes = new ArrayList<>();
        List<String> dropIndexesUndo = new ArrayList<>();
        List<String> dropColumns = new ArrayList<>();
        List<String> dropColumnsUndo = new ArrayList<>();
        List<String> dropTables = new ArrayList<>();
        List<String> createTablesUndo = new ArrayList<>();

        for (SchemaSnapshot.Table table : desired.tables().values()) {
            SchemaSnapshot.Table now = current.tables().get(table.name());
            if (now == null) {
                createTables.add(table.createStatement());
                dropTablesUndo.add("-- ferry:allow drop-table undoing the generated script removes the table it created\nDROP TABLE "
                        + Identifiers.quote(table.name()));
                continue;
            }
            String alter = "ALTER TABLE " + Identifiers.quote(table.name()) + " ";
            String previous = null;
            for (SchemaSnapshot.Column column : table.columns().values()) {
                SchemaSnapshot.Column was = now.columns().get(column.name());
                String position = previous == null ? " FIRST" : " AFTER " + Identifiers.quote(previous);
                if (was == null) {
                    columns.add(alter + "ADD COLUMN " + column.definition() + position);
                    columnsUndo.add("-- ferry:allow drop-column undoing the generated script removes the column it added\n" + alter
                            + "DROP COLUMN " + Identifiers.quote(column.name()));
                } else if (!was.definition().equals(column.definition())) {
                    columns.add(alter + "MODIFY COLUMN " + column.definition());
                    columnsUndo.add(alter + "MODIFY COLUMN " + was.definition());
                }
                previous = column.name();
            }
            for (SchemaSnapshot.Column was : now.columns().values()) {
                if (!table.columns().containsKey(was.name())) {
                    dropColumns.add("-- ferry:allow drop-column the reference schema has no " + was.name() + "\n" + alter + "DROP COLUMN "
                            + Identifiers.quote(was.name()));
                    dropColumnsUndo.add(alter + "ADD COLUMN " + was.definition());
                }
            }
            compare(table.indexes(), now.indexes(), alter, SchemaSnapshot.Index::definition, i -> i.name().equals("PRIMARY")
                    ? "DROP PRIMARY KEY" : "DROP INDEX " + Identifiers.quote(i.name()), addIndexes, addIndexesUndo, dropIndexes, dropIndexesUndo,
                    table.foreignKeys());
            // A new foreign key creates its own index; undoing it must drop that index too.
            compare(table.foreignKeys(), now.foreignKeys(), alter, SchemaSnapshot.ForeignKey::definition,
                    fk -> "DROP FOREIGN KEY " + Identifiers.quote(fk.name()) + (table.indexes().containsKey(fk.name())
                            && !now.indexes().containsKey(fk.name()) && !now.foreignKeys().containsKey(fk.name())
                                    ? ", DROP INDEX " + Identifiers.quote(fk.name()) : ""),
                    addForeignKeys, addForeignKeysUndo, dropForeignKeys, dropForeignKeysUndo, Map.of());
        }
        for (SchemaSnapshot.Table was : current.tables().values()) {
            if (!desired.tables().containsKey(was.name())) {
                dropTables.add("-- ferry:allow drop-table the reference schema has no " + was.name() + "\nDROP TABLE " + Identifiers.quote(was.name()));
                createTablesUndo.add(was.createStatement());
            }
        }
        // Forward: create, widen and add first, then remove; undo runs the inverse steps in reverse order.
        diff.forward.addAll(createTables);
        diff.forward.addAll(columns);
        diff.forward.addAll(addIndexes);
        diff.forward.addAll(addForeignKeys);
        diff.forward.addAll(dropForeignKeys);
        diff.forward.addAll(dropIndexes);
        diff.forward.addAll(dropColumns);
        diff.forward.addAll(dropTables);
        diff.undo.addAll(createTablesUndo);
        diff.undo.addAll(dropColumnsUndo);
        diff.undo.addAll(dropIndexesUndo);
        diff.undo.addAll(dropForeignKeysUndo);
        diff.undo.addAll(addForeignKeysUndo);
        diff.undo.addAll(addIndexesUndo);
        diff.undo.addAll(reversed(columnsUndo));
        diff.undo.addAll(dropTablesUndo);
        return new Scripts(diff.forward, diff.undo);
    }

    /**
     * Adds what only {@code desired} has, drops what only {@code current} has, and replaces what
     * differs. Indexes that back a foreign key are left to the key itself.
     */
    private static <T> void compare(Map<String, T> desired, Map<String, T> current, String alter,
            java.util.function.Function<T, String> definition, java.util.function.Function<T, String> drop, List<String> add,
            List<String> addUndo, List<String> remove, List<String> removeUndo, Map<String, ?> desiredKeys) {
        for (Map.Entry<String, T> entry : desired.entrySet()) {
            T was = current.get(entry.getKey());
            if (desiredKeys.containsKey(entry.getKey()) && was == null) {
                continue; // created with its foreign key
            }
            if (was == null) {
                add.add(alter + "ADD " + definition.apply(entry.getValue()));
                addUndo.add(alter + drop.apply(entry.getValue()));
            } else if (!Objects.equals(definition.apply(was), definition.apply(entry.getValue()))) {
                add.add(alter + drop.apply(was) + ", ADD " + definition.apply(entry.getValue()));
                addUndo.add(alter + drop.apply(entry.getValue()) + ", ADD " + definition.apply(was));
            }
        }
        for (Map.Entry<String, T> entry : current.entrySet()) {
            if (!desired.containsKey(entry.getKey())) {
                remove.add(alter + drop.apply(entry.getValue()).replaceAll(", DROP INDEX `[^`]*`$", ""));
                removeUndo.add(alter + "ADD " + definition.apply(entry.getValue()));
            }
        }
    }

    private static List<String> reversed(List<String> statements) {
        List<String> copy = new ArrayList<>(statements);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
