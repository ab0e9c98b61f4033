package dev.ferry.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/** The live facts lint reads from a real server are the ones the fast lint tests assume ({@link LintTables}). */
@QuarkusTest
@Tag(Tags.QUARKUS)
class LiveFactsTest {

    @BeforeAll
    static void tables() throws SQLException {
        try (Connection c = TestInfrastructure.connect(""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + LintTables.SCHEMA);
        }
        try (Connection c = TestInfrastructure.connect(LintTables.SCHEMA); Statement s = c.createStatement()) {
            for (String ddl : LintTables.DDL) {
                s.execute(ddl);
            }
        }
    }

    @Test
    void liveFactsMatchTheFactsTheFastTestsUse() throws SQLException {
        try (Connection c = TestInfrastructure.connect(LintTables.SCHEMA)) {
            ScriptLinter.TargetFacts live = ScriptLinter.liveFacts(c);
            assertThat(live.schema()).isEqualTo(LintTables.SCHEMA);
            for (Map.Entry<String, Long> table : LintTables.ROWS.entrySet()) {
                assertThat(live.hasRows(table.getKey())).as(table.getKey()).isEqualTo(table.getValue() > 0);
            }
            // An estimate from the table's statistics: what matters is the side of the large-table line (1000) it falls on.
            assertThat(live.estimatedRows("big")).isGreaterThanOrEqualTo(1000);
            assertThat(live.estimatedRows("empty_one")).isLessThan(1000);
            assertThat(live.hasRows("absent")).isFalse();
            assertThat(live.estimatedRows("absent")).isZero();
            for (Map.Entry<String, ScriptLinter.ColumnType> column : LintTables.COLUMNS.entrySet()) {
                String[] name = column.getKey().split("\\.");
                ScriptLinter.ColumnType expected = column.getValue();
                assertThat(live.columnType(name[0], name[1])).as(column.getKey()).hasValueSatisfying(type -> assertThat(new ScriptLinter.ColumnType(
                        type.dataType(), type.length(), type.precision(), type.scale())).isEqualTo(expected));
            }
            assertThat(live.columnType("filled", "absent")).isEmpty();
        }
    }

    @Test
    void aNarrowingEveryLiveValueFitsIsCheckedAndOnlyWarned() throws SQLException {
        try (Connection c = TestInfrastructure.connect(LintTables.SCHEMA)) {
            List<LintFinding> findings = new ScriptLinter(Map.of(), 1_000).lint("V9__x.sql", "ALTER TABLE filled MODIFY name VARCHAR(20);",
                    ScriptLinter.liveFacts(c));
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("column-narrowed");
                assertThat(f.severity()).isEqualTo(LintSeverity.WARN);
                assertThat(f.message()).contains("every value the table holds fits (checked)");
            });
        }
    }

    @Test
    void lintOverALiveConnectionFindsWhatTheFactsPredict() throws SQLException {
        ScriptLinter linter = new ScriptLinter(Map.of(), 1_000);
        // The last two ask the live keys: an index the primary key already serves, a foreign key no index leads.
        String script = "DELETE FROM filled;\nDROP TABLE empty_one;\nCREATE INDEX ix_v ON big (v);\nCREATE INDEX ix_id ON filled (id);\n"
                + "ALTER TABLE filled ADD CONSTRAINT fk_filled_n FOREIGN KEY (n) REFERENCES big (id);";
        try (Connection c = TestInfrastructure.connect(LintTables.SCHEMA)) {
            // Messages quote the row estimate, which the server's statistics give only roughly.
            assertThat(linter.lint("V9__x.sql", script, ScriptLinter.liveFacts(c))).extracting(f -> f.line() + " " + f.rule() + " " + f.severity())
                    .isEqualTo(linter.lint("V9__x.sql", script, LintTables.FACTS).stream().map(f -> f.line() + " " + f.rule() + " " + f.severity())
                            .toList())
                    .contains("4 duplicate-index WARN", "5 foreign-key-without-index WARN");
        }
    }
}
