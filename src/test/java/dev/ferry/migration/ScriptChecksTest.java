package dev.ferry.migration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How {@code -- ferry:check} lines are read from a script. */
class ScriptChecksTest {

    @Test
    void checksAreReadWithTheirLineAndWhenTheyRun() {
        String script = """
                -- add the key
                -- ferry:check SELECT email FROM account GROUP BY email HAVING COUNT(*) > 1;
                ALTER TABLE account ADD UNIQUE KEY ux (email);
                  --   ferry:check-after   SELECT id FROM account WHERE email IS NULL
                -- ferry:checks are not this
                """;

        assertThat(ScriptChecks.of(script)).containsExactly(
                new ScriptChecks.Check(false, 2, "SELECT email FROM account GROUP BY email HAVING COUNT(*) > 1"),
                new ScriptChecks.Check(true, 4, "SELECT id FROM account WHERE email IS NULL"));
    }

    @Test
    void aScriptWithoutChecksHasNone() {
        assertThat(ScriptChecks.of("CREATE TABLE t (id INT);\n-- a comment\n")).isEmpty();
    }
}
