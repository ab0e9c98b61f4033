package dev.ferry.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Every lint rule with a case that trips it and one that must not. The target is {@link LintTables}:
 * the facts of the tables {@code LiveFactsTest} creates on a real server and reads back the same.
 */
class ScriptLinterTest {

    private final ScriptLinter linter = new ScriptLinter(Map.of(), 1_000);

    @Test
    void dropTable() {
        assertThat(rules("DROP TABLE filled;")).containsExactly("drop-table");
        assertThat(rules("DROP TEMPORARY TABLE IF EXISTS tmp_x;")).isEmpty();
        assertThat(rules("DROP INDEX ix ON filled;")).isEmpty();
    }

    @Test
    void dropDatabase() {
        assertThat(rules("DROP DATABASE other;")).containsExactly("drop-database");
        assertThat(rules("CREATE DATABASE IF NOT EXISTS other;")).isEmpty();
    }

    @Test
    void dropColumn() {
        assertThat(rules("ALTER TABLE filled DROP COLUMN name;")).containsExactly("drop-column");
        assertThat(rules("ALTER TABLE filled DROP INDEX ix_name;")).isEmpty();
    }

    @Test
    void truncate() {
        assertThat(rules("TRUNCATE TABLE filled;")).containsExactly("truncate");
        assertThat(rules("DELETE FROM filled WHERE id = 1;")).isEmpty();
    }

    @Test
    void deleteAndUpdateWithoutWhere() {
        assertThat(rules("DELETE FROM filled;")).containsExactly("delete-without-where");
        assertThat(rules("UPDATE filled SET name = 'x';")).containsExactly("update-without-where");
        assertThat(rules("UPDATE filled SET name = 'x' WHERE id = 1;")).isEmpty();
    }

    @Test
    void renameOfTableOrColumn() {
        assertThat(rules("RENAME TABLE filled TO renamed;")).containsExactly("rename");
        assertThat(rules("ALTER TABLE filled RENAME COLUMN name TO title;")).containsExactly("rename");
        assertThat(rules("ALTER TABLE filled CHANGE name title VARCHAR(100);")).containsExactly("rename");
        assertThat(rules("ALTER TABLE filled CHANGE name name VARCHAR(200);")).isEmpty();
    }

    @Test
    void columnNarrowed() {
        assertThat(rules("ALTER TABLE filled MODIFY name VARCHAR(20);")).containsExactly("column-narrowed");
        assertThat(rules("ALTER TABLE filled MODIFY n INT;")).containsExactly("column-narrowed");
        assertThat(rules("ALTER TABLE filled MODIFY amount DECIMAL(8,2);")).containsExactly("column-narrowed");
        assertThat(rules("ALTER TABLE filled MODIFY name VARCHAR(255);")).isEmpty();
        assertThat(rules("ALTER TABLE filled MODIFY name TEXT;")).isEmpty();
    }

    @Test
    void notNullWithoutDefaultOnATableWithRows() {
        assertThat(rules("ALTER TABLE filled ADD COLUMN code VARCHAR(8) NOT NULL;")).containsExactly("not-null-without-default");
        assertThat(rules("ALTER TABLE filled ADD COLUMN code VARCHAR(8) NOT NULL DEFAULT 'x';")).isEmpty();
        assertThat(rules("ALTER TABLE empty_one ADD COLUMN code VARCHAR(8) NOT NULL;")).isEmpty();
    }

    @Test
    void indexOnALargeTableWithoutOnlineDdlIsAWarning() {
        List<LintFinding> findings = lint("CREATE INDEX ix_v ON big (v);");
        assertThat(findings).extracting(LintFinding::rule).containsExactly("index-without-online-ddl");
        assertThat(findings.get(0).severity()).isEqualTo(LintSeverity.WARN);
        assertThat(findings.get(0).blocks()).isFalse();
        assertThat(rules("ALTER TABLE big ADD INDEX ix_v (v), ALGORITHM=INPLACE, LOCK=NONE;")).isEmpty();
        assertThat(rules("CREATE INDEX ix_name ON filled (name);")).isEmpty();
    }

    @Test
    void findingsNameScriptAndLineAndAWaiverWithAReasonCoversItsRule() {
        String script = "CREATE TABLE t (id INT);\n\n-- ferry:allow drop-table the table was a temporary copy\nDROP TABLE t;\nDELETE FROM filled;\n";
        List<LintFinding> findings = lint(script);
        assertThat(findings).extracting(f -> f.rule() + ":" + f.line() + ":" + f.blocks())
                .containsExactly("drop-table:4:false", "delete-without-where:5:true");
        assertThat(findings.get(0).waiverReason()).isEqualTo("the table was a temporary copy");
        assertThat(lint("-- ferry:allow drop-table\nDROP TABLE filled;")).allMatch(LintFinding::blocks);
    }

    @Test
    void severitiesAreConfigurable() {
        ScriptLinter relaxed = new ScriptLinter(Map.of(LintRule.TRUNCATE, LintSeverity.OFF, LintRule.DROP_TABLE, LintSeverity.WARN), 1_000);
        List<LintFinding> findings = withoutStructure(relaxed.lint("V9__x.sql", "TRUNCATE filled; DROP TABLE filled;", LintTables.FACTS));
        assertThat(findings).extracting(f -> f.rule() + ":" + f.severity()).containsExactly("drop-table:WARN");
    }

    @Test
    void aBatchJudgesEachStatementAgainstTheTargetAsTheStatementsBeforeItLeaveIt() {
        List<LintFinding> fresh = lint("CREATE TABLE fresh_one (id INT PRIMARY KEY, a VARCHAR(100), b INT);\n"
                + "ALTER TABLE fresh_one DROP COLUMN b;\nALTER TABLE fresh_one CHANGE a a2 VARCHAR(100);\nDROP TABLE fresh_one;");
        assertThat(fresh).extracting(LintFinding::rule).containsExactly("drop-column", "rename", "drop-table");
        assertThat(fresh).extracting(LintFinding::severity).containsOnly(LintSeverity.WARN);
        assertThat(fresh.get(2).message()).contains("created earlier in this run");

        List<LintFinding> addedThenDropped = lint("ALTER TABLE filled ADD COLUMN extra INT;\nALTER TABLE filled DROP COLUMN extra;");
        assertThat(addedThenDropped).extracting(LintFinding::severity).containsExactly(LintSeverity.WARN);

        assertThat(lint("DROP TABLE empty_one;")).extracting(LintFinding::severity).containsExactly(LintSeverity.WARN);
        assertThat(lint("DROP TABLE empty_one;").get(0).message()).contains("holds no rows");
        assertThat(lint("DROP TABLE filled;")).extracting(LintFinding::severity).containsExactly(LintSeverity.BLOCK);
        assertThat(lint("INSERT INTO empty_one VALUES (1);\nDROP TABLE empty_one;")).extracting(LintFinding::severity)
                .containsExactly(LintSeverity.BLOCK);

        // Widened, then narrowed below the widened width: judged against the width the first statement left.
        assertThat(rules("ALTER TABLE filled MODIFY name VARCHAR(200);\nALTER TABLE filled MODIFY name VARCHAR(150);"))
                .containsExactly("column-narrowed");
    }

    @Test
    void anUndoRemovingWhatItsOwnScriptCreatedIsNoFinding() {
        assertThat(linter.lint("U9__x.sql", "DROP TABLE filled;\nALTER TABLE big DROP COLUMN v;", LintTables.FACTS,
                Set.of("filled", "big.v"))).isEmpty();
        assertThat(linter.lint("U9__x.sql", "DROP TABLE filled;", LintTables.FACTS, Set.of("big.v")))
                .extracting(LintFinding::severity).containsExactly(LintSeverity.BLOCK);
    }

    @Test
    void crossSchema() {
        assertThat(rules("USE mysql;")).containsExactly("cross-schema");
        assertThat(rules("DELETE FROM ferry_test.ferry_request WHERE request_id = 'x';")).containsExactly("cross-schema");
        assertThat(rules("INSERT INTO `other db`.`t` (id) VALUES (1);")).containsExactly("cross-schema");
        assertThat(rules("CREATE TABLE copy LIKE other.filled;")).containsExactly("cross-schema");
        assertThat(lint("UPDATE filled SET name = 'x' WHERE id = 1;\nCALL audit.log_change(1);").get(0).line()).isEqualTo(2);
        // The target's own schema, aliases, and dots inside strings or comments reach nothing else.
        assertThat(rules("UPDATE ferry_test_lint.filled SET name = 'a.b' WHERE id = 1;")).isEmpty();
        assertThat(rules("UPDATE filled f JOIN empty_one e ON f.id = e.id SET f.name = 'x' WHERE f.id > 0;")).isEmpty();
        assertThat(rules("INSERT INTO filled (id, name) SELECT e.id, 'from other.t' FROM empty_one e; -- see other.t")).isEmpty();
    }

    @Test
    void statementsTheParserCannotReadStillGetCheckedByPattern() {
        assertThat(rules("DROP TABLE IF EXISTS a, b CASCADE /* odd */ ;")).containsExactly("drop-table");
        assertThat(rules("ALTER TABLE filled DROP COLUMN name, ALGORITHM=INSTANT, SOMETHING_NEW=1;")).containsExactly("drop-column");
    }

    private List<String> rules(String sql) {
        return lint(sql).stream().map(LintFinding::rule).toList();
    }

    /** The findings of the statement rules; the structure rules have {@link StructureRulesTest}. */
    private List<LintFinding> lint(String sql) {
        return withoutStructure(linter.lint("V9__test.sql", sql, LintTables.FACTS));
    }

    static List<LintFinding> withoutStructure(List<LintFinding> findings) {
        return findings.stream().filter(f -> !LintRule.fromId(f.rule()).orElseThrow().structure()).toList();
    }
}
