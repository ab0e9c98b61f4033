package dev.ferry.lint;

import java.util.Map;
import java.util.Optional;

import dev.ferry.Identifiers;

/**
 * A target of three tables as facts, for lint tests without a server: {@code filled} (one row),
 * {@code empty_one} (no rows) and {@code big} (2000 rows). {@code LiveFactsTest} creates the same
 * tables on a real server and checks that {@link ScriptLinter#liveFacts} reads these facts from them.
 */
final class LintTables {

    static final String SCHEMA = "ferry_test_lint";

    static final String[] DDL = {
        "CREATE TABLE IF NOT EXISTS filled (id INT PRIMARY KEY, name VARCHAR(100), amount DECIMAL(10,2), n BIGINT)",
        "CREATE TABLE IF NOT EXISTS empty_one (id INT PRIMARY KEY)",
        "CREATE TABLE IF NOT EXISTS big (id INT PRIMARY KEY, v INT)",
        "INSERT IGNORE INTO filled VALUES (1, 'a', 1.00, 1)",
        "INSERT IGNORE INTO big (id, v) WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 2000) SELECT n, n FROM seq",
        "ANALYZE TABLE big" };

    static final Map<String, Long> ROWS = Map.of("filled", 1L, "empty_one", 0L, "big", 2000L);

    static final Map<String, ScriptLinter.ColumnType> COLUMNS = Map.of(
            "filled.id", new ScriptLinter.ColumnType("int", null, 10, 0),
            "filled.name", new ScriptLinter.ColumnType("varchar", 100L, null, null),
            "filled.amount", new ScriptLinter.ColumnType("decimal", null, 10, 2),
            "filled.n", new ScriptLinter.ColumnType("bigint", null, 19, 0),
            "empty_one.id", new ScriptLinter.ColumnType("int", null, 10, 0),
            "big.id", new ScriptLinter.ColumnType("int", null, 10, 0),
            "big.v", new ScriptLinter.ColumnType("int", null, 10, 0));

    static final ScriptLinter.TargetFacts FACTS = new ScriptLinter.TargetFacts() {
        @Override
        public boolean hasRows(String table) {
            return ROWS.getOrDefault(Identifiers.key(table), 0L) > 0;
        }

        @Override
        public long estimatedRows(String table) {
            return ROWS.getOrDefault(Identifiers.key(table), 0L);
        }

        @Override
        public Optional<ScriptLinter.ColumnType> columnType(String table, String column) {
            return Optional.ofNullable(COLUMNS.get(Identifiers.key(table) + "." + Identifiers.key(column)));
        }

        @Override
        public String schema() {
            return SCHEMA;
        }

        @Override
        public java.util.List<dev.ferry.lint.structure.TableChange.Key> keys(String table) {
            return ROWS.containsKey(Identifiers.key(table)) ? java.util.List.of(new dev.ferry.lint.structure.TableChange.Key(
                    dev.ferry.lint.structure.TableChange.KeyKind.PRIMARY, "PRIMARY", java.util.List.of("id"), null, null)) : java.util.List.of();
        }
    };

    private LintTables() {
    }
}
