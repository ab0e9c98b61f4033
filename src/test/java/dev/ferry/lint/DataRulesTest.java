package dev.ferry.lint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/**
 * Each data rule on real rows: the unsafe statement is predicted with the right count and keys, a safe
 * one on the same rows is not blocked, and the server, asked to run the unsafe one, refuses it.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
class DataRulesTest {

    private static final String SCHEMA = "ferry_test_datarules";

    private final ScriptLinter linter = new ScriptLinter(Map.of(), 1_000);

    @BeforeAll
    static void rows() throws SQLException {
        try (Connection c = TestInfrastructure.connect(""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + SCHEMA);
            s.execute("CREATE DATABASE " + SCHEMA + " CHARACTER SET utf8mb4");
        }
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orgs (id INT PRIMARY KEY)");
            s.execute("INSERT INTO orgs VALUES (1), (2)");
            s.execute("CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(100), nick VARCHAR(40), age INT,"
                    + " status ENUM('active','paused','gone'), org_id INT, score DECIMAL(8,2), note VARCHAR(100) CHARACTER SET utf8mb4)");
            s.execute("INSERT INTO people VALUES (1, 'a@x', 'ann', 30, 'active', 1, 10.00, 'plain'),"
                    + " (2, 'a@x', 'bob', 40, 'paused', 2, 20.00, 'fine'),"
                    + " (3, 'c@x', NULL, 300, 'gone', 7, 12345.67, 'emoji \uD83D\uDE00'),"
                    + " (4, 'd@x', NULL, -5, 'active', 9, 1.00, 'plain'),"
                    + " (5, NULL, 'a-very-long-nickname-over-twenty', 50, NULL, NULL, 2.00, 'x'),"
                    + " (6, NULL, 'eve', 60, 'active', 1, 3.00, 'y')");
        }
    }

    @Test
    void duplicatesBeforeAUniqueKey() throws SQLException {
        predicted("ALTER TABLE people ADD UNIQUE INDEX ux_email (email)", "unique-duplicates", 1, List.of("a@x (2 rows)"));
        predicted("CREATE UNIQUE INDEX ux_email ON people (email)", "unique-duplicates", 1, List.of("a@x (2 rows)"));
        predicted("ALTER TABLE people ADD UNIQUE (email(1))", "unique-duplicates", 1, List.of("a (2 rows)"));
        safe("ALTER TABLE people ADD UNIQUE INDEX ux_nick (nick)"); // two NULLs are no duplicate
        safe("ALTER TABLE people ADD UNIQUE INDEX ux_pair (email, nick)");
    }

    @Test
    void nullsBeforeNotNull() throws SQLException {
        predicted("ALTER TABLE people MODIFY nick VARCHAR(40) NOT NULL", "not-null-nulls", 2, List.of("3", "4"));
        predicted("ALTER TABLE people CHANGE COLUMN nick nickname VARCHAR(40) NOT NULL", "not-null-nulls", 2, List.of("3", "4"));
        safe("ALTER TABLE people MODIFY age INT NOT NULL");
        safe("UPDATE people SET nick = '' WHERE nick IS NULL;\nALTER TABLE people MODIFY nick VARCHAR(40) NOT NULL");
    }

    @Test
    void valuesThatDoNotFitANarrowerTypeLengthOrCharset() throws SQLException {
        predicted("ALTER TABLE people MODIFY nick VARCHAR(20)", "value-does-not-fit", 1, List.of("5"));
        predicted("ALTER TABLE people MODIFY age TINYINT", "value-does-not-fit", 1, List.of("3"));
        predicted("ALTER TABLE people MODIFY age SMALLINT UNSIGNED", "value-does-not-fit", 1, List.of("4"));
        predicted("ALTER TABLE people MODIFY score DECIMAL(5,2)", "value-does-not-fit", 1, List.of("3"));
        predicted("ALTER TABLE people MODIFY note VARCHAR(100) CHARACTER SET latin1", "value-does-not-fit", 1, List.of("3"));
        safe("ALTER TABLE people MODIFY nick VARCHAR(60)");
        safe("ALTER TABLE people MODIFY email VARCHAR(10)");
        safe("ALTER TABLE people MODIFY age SMALLINT");
        safe("ALTER TABLE people MODIFY score DECIMAL(10,2)");
    }

    @Test
    void enumValuesStillInUse() throws SQLException {
        predicted("ALTER TABLE people MODIFY status ENUM('active','paused')", "enum-value-in-use", 1, List.of("3"));
        safe("ALTER TABLE people MODIFY status ENUM('active','paused','gone','archived')");
    }

    @Test
    void rowsThatViolateANewForeignKeyOrCheck() throws SQLException {
        predicted("ALTER TABLE people ADD CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs (id)", "foreign-key-orphans", 2,
                List.of("3", "4"));
        predicted("ALTER TABLE people ADD CONSTRAINT ck_age CHECK (age >= 0)", "check-violations", 1, List.of("4"));
        safe("INSERT INTO orgs VALUES (7), (9);\nALTER TABLE people ADD CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs (id)");
        safe("ALTER TABLE people ADD CONSTRAINT ck_age CHECK (age < 1000)");
    }

    @Test
    void aTableThisRunCreatesHoldsNothingToCheck() throws SQLException {
        safe("CREATE TABLE fresh (id INT PRIMARY KEY, v INT);\nALTER TABLE fresh ADD UNIQUE (v)");
    }

    /** The finding names the rule, the count and the keys; the server refuses the statement. */
    private void predicted(String sql, String rule, long rows, List<String> sample) throws SQLException {
        List<LintFinding> findings = lint(sql).stream().filter(f -> f.rule().equals(rule)).toList();
        assertThat(findings).as(sql).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(LintSeverity.BLOCK);
            assertThat(f.rows()).isEqualTo(rows);
            assertThat(f.sample()).containsExactlyInAnyOrderElementsOf(sample);
            assertThat(f.message()).contains(String.valueOf(rows));
        });
        try (Connection c = TestInfrastructure.connect(SCHEMA); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute(sql)).as("the server runs " + sql).isInstanceOf(SQLException.class);
        }
    }

    private void safe(String script) throws SQLException {
        assertThat(lint(script)).as(script).noneMatch(LintFinding::blocks);
    }

    private List<LintFinding> lint(String script) throws SQLException {
        try (Connection c = TestInfrastructure.connect(SCHEMA)) {
            return linter.lint("V9__data.sql", script, ScriptLinter.liveFacts(c));
        }
    }
}
