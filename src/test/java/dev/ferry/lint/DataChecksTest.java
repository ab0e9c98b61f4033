package dev.ferry.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which questions the data rules ask of a target, and when they ask none: no server, the questions recorded. */
class DataChecksTest {

    private final List<String> asked = new ArrayList<>();

    /** Every question is answered "3 rows: 1, 2, 3". */
    private final ScriptLinter.TargetFacts facts = new ScriptLinter.TargetFacts() {
        private final Map<String, ScriptLinter.ColumnType> columns = Map.of(
                "t.email", new ScriptLinter.ColumnType("varchar", 100L, null, null, "varchar(100)", "utf8mb4"),
                "t.n", new ScriptLinter.ColumnType("int", null, 10, 0, "int(11)", null),
                "t.u", new ScriptLinter.ColumnType("tinyint", null, 3, 0, "tinyint(3) unsigned", null),
                "t.s", new ScriptLinter.ColumnType("enum", 6L, null, null, "enum('a','b','it''s')", "utf8mb4"));

        @Override
        public boolean hasRows(String table) {
            return true;
        }

        @Override
        public long estimatedRows(String table) {
            return 3;
        }

        @Override
        public Optional<ScriptLinter.ColumnType> columnType(String table, String column) {
            return Optional.ofNullable(columns.get(table + "." + column));
        }

        @Override
        public ScriptLinter.Rows rowsWhere(String table, String condition, long maxRows) {
            asked.add(table + " WHERE " + condition);
            return new ScriptLinter.Rows(3, List.of("1", "2", "3"), false);
        }

        @Override
        public ScriptLinter.Rows duplicates(String table, List<String> expressions, long maxRows) {
            asked.add(table + " GROUP BY " + String.join(", ", expressions));
            return new ScriptLinter.Rows(1, List.of("x (2 rows)"), false);
        }
    };

    @Test
    void everyClauseOfAnAlterIsAskedAbout() {
        List<DataChecks.Violation> found = DataChecks.of("ALTER TABLE `t` ADD UNIQUE KEY ux (email, n), MODIFY email VARCHAR(20) NOT NULL,"
                + " ADD CONSTRAINT fk FOREIGN KEY (n) REFERENCES parent (id), ADD CONSTRAINT ck CHECK (n > 0 AND (n < 10))", facts, 1_000);
        assertThat(asked).containsExactly(
                "t GROUP BY checked.`email`, checked.`n`",
                "t WHERE checked.`email` IS NULL",
                "t WHERE CHAR_LENGTH(checked.`email`) > 20",
                "t WHERE checked.`n` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `parent` p WHERE p.`id` = checked.`n`)",
                "t WHERE NOT (n > 0 AND (n < 10))");
        assertThat(found).extracting(v -> v.rule().id()).containsExactly("unique-duplicates", "not-null-nulls", "value-does-not-fit",
                "foreign-key-orphans", "check-violations");
    }

    @Test
    void integerRangesEnumsAndCharsets() {
        DataChecks.of("ALTER TABLE t MODIFY n SMALLINT UNSIGNED, MODIFY s ENUM('a'), MODIFY email VARCHAR(100) CHARACTER SET latin1", facts,
                1_000);
        assertThat(asked).containsExactly(
                "t WHERE (checked.`n` < 0 OR checked.`n` > 65535)",
                "t WHERE checked.`s` IN ('b', 'it''s')",
                "t WHERE CONVERT(checked.`email` USING latin1) <> checked.`email`");
    }

    @Test
    void aChangeThatLosesNothingAsksNothing() {
        DataChecks.of("ALTER TABLE t MODIFY email VARCHAR(200), MODIFY n BIGINT, MODIFY u SMALLINT, MODIFY s ENUM('a','b','it''s','c')",
                facts, 1_000);
        DataChecks.of("ALTER TABLE t ADD COLUMN fresh INT NOT NULL DEFAULT 0, ADD INDEX ix (n), MODIFY missing INT NOT NULL", facts, 1_000);
        DataChecks.of("ALTER IGNORE TABLE t ADD UNIQUE (email)", facts, 1_000);
        assertThat(asked).isEmpty();
    }

    @Test
    void createUniqueIndexAndPrimaryKeysWithPrefixes() {
        DataChecks.of("CREATE UNIQUE INDEX ux ON other.t (email(8) DESC)", facts, 1_000);
        DataChecks.of("ALTER TABLE t ADD PRIMARY KEY (n)", facts, 1_000);
        assertThat(asked).containsExactly("t GROUP BY LEFT(checked.`email`, 8)", "t GROUP BY checked.`n`", "t WHERE checked.`n` IS NULL");
    }

    @Test
    void inALintRunAFindingCarriesItsCountAndKeysAndATableTheRunCreatedOrChangedIsNotAsked() {
        ScriptLinter linter = new ScriptLinter(Map.of(), 1_000);
        List<LintFinding> findings = linter.lint("V2__x.sql", "ALTER TABLE t MODIFY email VARCHAR(100) NOT NULL;", facts);
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("not-null-nulls");
            assertThat(f.rows()).isEqualTo(3);
            assertThat(f.sample()).containsExactly("1", "2", "3");
            assertThat(f.blocks()).isTrue();
        });
        asked.clear();
        linter.lint("V3__x.sql", "UPDATE t SET email = '' WHERE email IS NULL;\nALTER TABLE t MODIFY email VARCHAR(100) NOT NULL;\n"
                + "CREATE TABLE fresh (id INT);\nALTER TABLE fresh ADD UNIQUE (id);", facts);
        assertThat(asked).isEmpty();
    }
}
