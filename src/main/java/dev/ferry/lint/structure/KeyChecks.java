package dev.ferry.lint.structure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.ferry.Identifiers;
import dev.ferry.lint.LintRule;
import dev.ferry.lint.structure.TableChange.Key;
import dev.ferry.lint.structure.TableChange.KeyKind;

/** The keys and constraints a statement adds, judged beside the ones its table already has. */
final class KeyChecks implements StructureCheck {

    static final int MAX_KEY_COLUMNS = 5;
    static final int MAX_SECONDARY_INDEXES = 10;

    @Override
    public void check(Statement statement, Findings findings) {
        statement.change().ifPresent(change -> {
            List<Key> added = change.keys();
            if (added.isEmpty()) {
                return;
            }
            String table = change.table();
            List<Key> all = new ArrayList<>(statement.existingKeys());
            all.addAll(added);
            Set<String> nullable = change.columns().stream().filter(TableChange.Column::nullable).map(c -> Identifiers.key(c.name()))
                    .collect(Collectors.toSet());
            for (int i = 0; i < added.size(); i++) {
                Key key = added.get(i);
                String shown = describe(table, key);
                if (key.kind() == KeyKind.UNIQUE) {
                    key.columns().stream().filter(c -> nullable.contains(Identifiers.key(c))).findFirst()
                            .ifPresent(c -> findings.add(LintRule.NULLABLE_UNIQUE, shown + ": " + c + " is nullable"));
                }
                if (key.kind() == KeyKind.FOREIGN) {
                    if (all.stream().noneMatch(other -> other.kind().ordered() && leads(other.columns(), key.columns()))) {
                        findings.add(LintRule.FOREIGN_KEY_WITHOUT_INDEX, shown);
                    }
                    if ("CASCADE".equals(key.onDelete())) {
                        findings.add(LintRule.CASCADE_DELETE, shown + " REFERENCES " + key.references());
                    }
                }
                if ((key.kind() == KeyKind.FOREIGN || key.kind() == KeyKind.CHECK) && key.name() == null) {
                    findings.add(LintRule.UNNAMED_CONSTRAINT, shown);
                }
                if (key.kind().ordered() && key.columns().size() > MAX_KEY_COLUMNS) {
                    findings.add(LintRule.INDEX_TOO_MANY_COLUMNS, shown);
                }
                List<Key> earlier = new ArrayList<>(statement.existingKeys());
                earlier.addAll(added.subList(0, i));
                List<Key> later = added.subList(i + 1, added.size());
                redundantBeside(key, earlier, later).ifPresent(other -> findings.add(LintRule.DUPLICATE_INDEX, shown + " is served by "
                        + describe(table, other)));
            }
            long secondary = all.stream().filter(k -> k.kind() != KeyKind.PRIMARY && k.kind() != KeyKind.FOREIGN && k.kind() != KeyKind.CHECK)
                    .count();
            if (secondary > MAX_SECONDARY_INDEXES && added.stream().anyMatch(k -> k.kind() != KeyKind.FOREIGN && k.kind() != KeyKind.CHECK)) {
                findings.add(LintRule.TOO_MANY_INDEXES, table + " would have " + secondary);
            }
        });
    }

    /** The key that already serves {@code key}: the same columns earlier, or, for a plain index, a longer key it leads. */
    private static java.util.Optional<Key> redundantBeside(Key key, List<Key> earlier, List<Key> later) {
        if (key.kind() == KeyKind.INDEX) {
            for (Key other : earlier) {
                if (other.kind().ordered() && leads(other.columns(), key.columns())) {
                    return java.util.Optional.of(other);
                }
            }
            for (Key other : later) {
                if (other.kind().ordered() && other.columns().size() > key.columns().size() && leads(other.columns(), key.columns())) {
                    return java.util.Optional.of(other);
                }
            }
        } else if (key.kind() == KeyKind.UNIQUE) {
            for (Key other : earlier) {
                if ((other.kind() == KeyKind.UNIQUE || other.kind() == KeyKind.PRIMARY) && same(other.columns(), key.columns())) {
                    return java.util.Optional.of(other);
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** Whether {@code columns} are the leftmost columns of {@code index}. */
    static boolean leads(List<String> index, List<String> columns) {
        if (columns.isEmpty() || columns.size() > index.size()) {
            return false;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (!Identifiers.key(index.get(i)).equals(Identifiers.key(columns.get(i)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(List<String> a, List<String> b) {
        return a.size() == b.size() && leads(a, b);
    }

    private static String describe(String table, Key key) {
        String kind = switch (key.kind()) {
            case PRIMARY -> "PRIMARY KEY";
            case UNIQUE -> "UNIQUE KEY";
            case FOREIGN -> "FOREIGN KEY";
            case CHECK -> "CHECK";
            case INDEX -> "KEY";
            case FULLTEXT, SPATIAL -> key.kind().name() + " KEY";
        };
        return table + " " + kind + (key.name() == null || key.kind() == KeyKind.PRIMARY ? "" : " " + key.name())
                + (key.columns().isEmpty() ? "" : " (" + String.join(", ", key.columns()) + ")");
    }
}
