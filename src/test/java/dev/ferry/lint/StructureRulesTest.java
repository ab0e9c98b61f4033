package dev.ferry.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every structure and naming rule with a statement that trips it and a close one that must not, on
 * the {@link LintTables} target ({@code filled} has rows and a primary key on {@code id}).
 */
class StructureRulesTest {

    private static final String GOOD_TABLE = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

    private final ScriptLinter linter = new ScriptLinter(Map.of(), 1_000);

    record Case(String rule, String trips, String passes) {
        @Override
        public String toString() {
            return rule;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("float-type", "ALTER TABLE filled ADD COLUMN price FLOAT;", "ALTER TABLE filled ADD COLUMN price DECIMAL(10,2);"),
                new Case("float-type", "ALTER TABLE filled MODIFY amount DOUBLE PRECISION;", "ALTER TABLE filled MODIFY amount DECIMAL(12,2);"),
                new Case("enum-or-set", "ALTER TABLE filled ADD COLUMN state ENUM('new','done') NULL;",
                        "ALTER TABLE filled ADD COLUMN state VARCHAR(8) NULL;"),
                new Case("timestamp-2038", "ALTER TABLE filled ADD COLUMN seen TIMESTAMP NULL;", "ALTER TABLE filled ADD COLUMN seen DATETIME NULL;"),
                new Case("zerofill", "ALTER TABLE filled ADD COLUMN code INT UNSIGNED ZEROFILL NULL;",
                        "ALTER TABLE filled ADD COLUMN code INT UNSIGNED NULL;"),
                new Case("integer-display-width", "ALTER TABLE filled ADD COLUMN code INT(11) NULL;",
                        "ALTER TABLE filled ADD COLUMN flag TINYINT(1) NULL;"),
                new Case("auto-increment-signed", table("t", "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"),
                        table("t", "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY")),
                new Case("auto-increment-narrow", table("t", "id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY"),
                        table("t", "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY")),
                new Case("nondeterministic-default", "ALTER TABLE filled ADD COLUMN token CHAR(36) NOT NULL DEFAULT (UUID());",
                        "ALTER TABLE filled ADD COLUMN created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6);"),
                new Case("char-too-long", "ALTER TABLE filled ADD COLUMN code CHAR(100) NULL;", "ALTER TABLE filled ADD COLUMN code CHAR(36) NULL;"),
                new Case("varchar-too-long", "ALTER TABLE filled ADD COLUMN note VARCHAR(5000) NULL;",
                        "ALTER TABLE filled ADD COLUMN note VARCHAR(2000) NULL;"),
                new Case("column-charset", "ALTER TABLE filled ADD COLUMN code VARCHAR(8) CHARACTER SET latin1 NULL;",
                        "ALTER TABLE filled ADD COLUMN code VARCHAR(8) NULL COMMENT 'latin1 charset';"),
                new Case("utf8mb3", "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8 COLLATE=utf8_general_ci;",
                        table("t", "id INT PRIMARY KEY")),
                new Case("no-primary-key", table("t", "id INT NOT NULL, v INT"), table("t", "id INT NOT NULL, v INT, PRIMARY KEY (id)")),
                new Case("no-primary-key", table("t", "v INT, UNIQUE KEY uk_v (v)"), table("t", "id INT NOT NULL KEY")),
                new Case("implicit-charset", "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB COLLATE=utf8mb4_bin;", table("t", "id INT PRIMARY KEY")),
                new Case("implicit-collation", "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARACTER SET = utf8mb4;",
                        table("t", "id INT PRIMARY KEY")),
                new Case("engine-not-innodb", "ALTER TABLE filled ENGINE = MyISAM;", "ALTER TABLE filled ENGINE = InnoDB;"),
                new Case("auto-increment-start", "CREATE TABLE t (id INT PRIMARY KEY)" + GOOD_TABLE + " AUTO_INCREMENT=1000;",
                        table("t", "id INT PRIMARY KEY")),
                new Case("partitioned-table", table("t", "id INT PRIMARY KEY").replace(";", " PARTITION BY HASH(id) PARTITIONS 4;"),
                        table("t", "id INT PRIMARY KEY")),
                new Case("create-table-as-select", "CREATE TABLE t AS SELECT id FROM filled;", "CREATE TABLE t LIKE filled;"),
                new Case("drop-primary-key", "ALTER TABLE filled DROP PRIMARY KEY;", "ALTER TABLE filled DROP PRIMARY KEY, ADD PRIMARY KEY (id, n);"),
                new Case("merge-alters", "ALTER TABLE filled ADD COLUMN a INT NULL;\nALTER TABLE filled ADD COLUMN b INT NULL;",
                        "ALTER TABLE filled ADD COLUMN a INT NULL, ADD COLUMN b INT NULL;"),
                new Case("nullable-unique", "ALTER TABLE filled ADD COLUMN login VARCHAR(64) NULL, ADD UNIQUE KEY uk_login (login);",
                        "ALTER TABLE filled ADD COLUMN login VARCHAR(64) NOT NULL DEFAULT '', ADD UNIQUE KEY uk_login (login);"),
                new Case("foreign-key-without-index", "ALTER TABLE filled ADD CONSTRAINT fk_filled_big FOREIGN KEY (n) REFERENCES big (id);",
                        "ALTER TABLE filled ADD INDEX ix_n (n), ADD CONSTRAINT fk_filled_big FOREIGN KEY (n) REFERENCES big (id);"),
                new Case("foreign-key-without-index", table("child", "id INT PRIMARY KEY, parent INT, CONSTRAINT fk_p FOREIGN KEY (parent)"
                        + " REFERENCES filled (id)"), table("child", "id INT PRIMARY KEY, parent INT, KEY ix_parent (parent, id),"
                        + " CONSTRAINT fk_p FOREIGN KEY (parent) REFERENCES filled (id)")),
                new Case("cascade-delete", "ALTER TABLE big ADD CONSTRAINT fk_big FOREIGN KEY (id) REFERENCES filled (id) ON DELETE CASCADE;",
                        "ALTER TABLE big ADD CONSTRAINT fk_big FOREIGN KEY (id) REFERENCES filled (id) ON DELETE RESTRICT;"),
                new Case("index-too-many-columns", "CREATE INDEX ix_wide ON filled (id, name, amount, n, id, name);",
                        "CREATE INDEX ix_wide ON filled (name, amount, n);"),
                new Case("too-many-indexes", table("t", "id INT PRIMARY KEY, " + columnsAndIndexes(11)),
                        table("t", "id INT PRIMARY KEY, " + columnsAndIndexes(10))),
                new Case("duplicate-index", "CREATE INDEX ix_id ON filled (id);", "CREATE INDEX ix_name ON filled (name);"),
                new Case("duplicate-index", "ALTER TABLE filled ADD INDEX ix_a (name), ADD INDEX ix_ab (name, n);",
                        "ALTER TABLE filled ADD INDEX ix_ab (name, n), ADD INDEX ix_b (n);"),
                new Case("unnamed-constraint", "ALTER TABLE filled ADD CHECK (n >= 0);", "ALTER TABLE filled ADD CONSTRAINT ck_n CHECK (n >= 0);"),
                new Case("identifier-too-long", "ALTER TABLE filled ADD COLUMN " + "x".repeat(65) + " INT NULL;",
                        "ALTER TABLE filled ADD COLUMN " + "x".repeat(64) + " INT NULL;"),
                new Case("reserved-word", "ALTER TABLE filled ADD COLUMN `order` INT NULL;", "ALTER TABLE filled ADD COLUMN `position` INT NULL;"),
                new Case("identifier-needs-quoting", "ALTER TABLE filled ADD COLUMN `first name` VARCHAR(20) NULL;",
                        "ALTER TABLE filled ADD COLUMN `first_name` VARCHAR(20) NULL;"),
                new Case("table-name-case", table("UserProfile", "id INT PRIMARY KEY"), table("user_profile", "id INT PRIMARY KEY")),
                new Case("insert-without-columns", "INSERT INTO filled VALUES (2, 'b', 1.00, 2);",
                        "INSERT INTO filled (id, name, amount, n) VALUES (2, 'b', 1.00, 2);"),
                new Case("insert-select-star", "INSERT INTO empty_one (id) SELECT * FROM big WHERE id < 0;",
                        "INSERT INTO empty_one (id) SELECT id FROM big WHERE id < 0;"),
                new Case("view-select-star", "CREATE VIEW v_filled AS SELECT * FROM filled;", "CREATE VIEW v_filled AS SELECT id, name FROM filled;"),
                new Case("dml-limit", "DELETE FROM big WHERE v > 10 LIMIT 100;", "DELETE FROM big WHERE v > 10 ORDER BY id LIMIT 100;"),
                new Case("foreign-key-checks-off", "SET FOREIGN_KEY_CHECKS = 0;", "SET FOREIGN_KEY_CHECKS = 1;"),
                new Case("transaction-control", "START TRANSACTION;", "SELECT 1;"),
                new Case("transaction-control", "SET autocommit = 0;", "SET @x = 0;"),
                new Case("lock-tables", "LOCK TABLES filled WRITE;", "SELECT 1 FROM filled FOR UPDATE;"),
                new Case("privileges", "GRANT SELECT ON filled TO 'app'@'%';", "SELECT 1;"),
                new Case("privileges", "CREATE USER 'app'@'%' IDENTIFIED BY 'x';", "CREATE TABLE app_user (id INT PRIMARY KEY)" + GOOD_TABLE + ";"),
                new Case("global-setting", "SET GLOBAL max_connections = 500;", "SET SESSION max_execution_time = 500;"),
                new Case("sql-mode-change", "SET SESSION sql_mode = '';", "SET SESSION time_zone = '+00:00';"),
                new Case("trigger", "CREATE TRIGGER tr_filled BEFORE INSERT ON filled FOR EACH ROW SET NEW.n = 1;", "SELECT 1;"),
                new Case("stored-routine", "CREATE PROCEDURE p_clean() BEGIN DELETE FROM big WHERE v < 0; END;", "SELECT 1;"),
                new Case("explicit-definer", "CREATE DEFINER = 'admin'@'%' VIEW v_ids AS SELECT id FROM filled;",
                        "CREATE SQL SECURITY DEFINER VIEW v_ids AS SELECT id FROM filled;"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tripsOnOneAndNotTheOther(Case c) {
        assertThat(rules(c.trips())).as("%s in %s", c.rule(), c.trips()).contains(c.rule());
        assertThat(rules(c.passes())).as("%s in %s", c.rule(), c.passes()).doesNotContain(c.rule());
    }

    @Test
    void everyStructureRuleHasACaseAndWarnsByDefault() {
        Set<String> covered = cases().map(Case::rule).collect(Collectors.toSet());
        List<LintRule> structure = Arrays.stream(LintRule.values()).filter(LintRule::structure).toList();
        assertThat(structure).hasSizeGreaterThanOrEqualTo(30);
        assertThat(structure).allSatisfy(r -> {
            assertThat(covered).contains(r.id());
            assertThat(r.defaultSeverity()).isEqualTo(LintSeverity.WARN);
        });
    }

    @Test
    void aWellDesignedTableHasNoFinding() {
        String script = "CREATE TABLE account (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, email VARCHAR(255) NOT NULL, created DATETIME(6) NOT NULL"
                + " DEFAULT CURRENT_TIMESTAMP(6), owner INT NOT NULL, PRIMARY KEY (id), UNIQUE KEY uk_account_email (email),"
                + " KEY ix_account_owner (owner), CONSTRAINT fk_account_owner FOREIGN KEY (owner) REFERENCES filled (id))" + GOOD_TABLE + ";\n"
                + "INSERT INTO account (email, owner) VALUES ('a@example.com', 1);\n"
                + "CREATE INDEX ix_account_created ON account (created);";
        assertThat(lint(script)).isEmpty();
    }

    @Test
    void aKeyAddedEarlierInTheRunServesALaterForeignKey() {
        assertThat(rules("CREATE INDEX ix_n ON filled (n);\nALTER TABLE filled ADD CONSTRAINT fk_n FOREIGN KEY (n) REFERENCES big (id);"))
                .doesNotContain("foreign-key-without-index");
    }

    @Test
    void aWaiverAndASeverityApplyAsToEveryRule() {
        assertThat(lint("-- ferry:allow float-type a sensor reading, approximate by nature\nALTER TABLE filled ADD COLUMN t FLOAT;"))
                .extracting(f -> f.rule() + ":" + f.waived()).containsExactly("float-type:true");
        assertThat(new ScriptLinter(Map.of(LintRule.FLOAT_TYPE, LintSeverity.BLOCK), 1_000).lint("V1__f.sql",
                "ALTER TABLE filled ADD COLUMN t FLOAT;", LintTables.FACTS)).extracting(LintFinding::blocks).containsExactly(true);
        assertThat(new ScriptLinter(Map.of(LintRule.FLOAT_TYPE, LintSeverity.OFF), 1_000).lint("V1__f.sql",
                "ALTER TABLE filled ADD COLUMN t FLOAT;", LintTables.FACTS)).isEmpty();
    }

    @Test
    void aRuleListsAFewFindingsPerScriptAndCountsTheRest() {
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            script.append("INSERT INTO filled VALUES (").append(i).append(", 'x', 1.00, 1);\n");
        }
        List<LintFinding> findings = lint(script.toString());
        assertThat(findings).extracting(LintFinding::rule).containsOnly("insert-without-columns").hasSize(5);
        assertThat(findings.get(4).message()).endsWith("(and 995 more statements of this script like it, not listed)");
        assertThat(findings.get(4).line()).isEqualTo(5);
    }

    @Test
    void findingsNameWhatTheyFound() {
        assertThat(lint("ALTER TABLE filled ADD COLUMN login VARCHAR(64) NULL, ADD UNIQUE KEY uk_login (login);"))
                .extracting(LintFinding::message).containsExactly(LintRule.NULLABLE_UNIQUE.description()
                        + ": filled UNIQUE KEY uk_login (login): login is nullable");
    }

    private static String table(String name, String body) {
        return "CREATE TABLE " + name + " (" + body + ")" + GOOD_TABLE + ";";
    }

    private static String columnsAndIndexes(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            s.append("c").append(i).append(" INT NOT NULL, KEY ix_c").append(i).append(" (c").append(i).append(")").append(i < n ? ", " : "");
        }
        return s.toString();
    }

    private List<String> rules(String sql) {
        return lint(sql).stream().map(LintFinding::rule).toList();
    }

    private List<LintFinding> lint(String sql) {
        return linter.lint("V9__test.sql", sql, LintTables.FACTS);
    }
}
