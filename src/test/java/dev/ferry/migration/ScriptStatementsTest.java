package dev.ferry.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.StringResource;
import org.junit.jupiter.api.Test;

import dev.ferry.sql.SqlStatements;

/** The pure parts of running scripts statement by statement: Flyway's checksum, and what a resume may skip. */
class ScriptStatementsTest {

    @Test
    void theChecksumIsFlywaysOwnForAnyLineEndingsAndABom() {
        for (String text : List.of("CREATE TABLE a (id INT);\n", "\uFEFFCREATE TABLE a (id INT);\r\nINSERT INTO a VALUES (1);\r\n",
                "-- no newline at the end\nSELECT 1;", "", "a\rb\n\nc")) {
            assertThat(ScriptResolver.flywayChecksum(text)).as(text).isEqualTo(ChecksumCalculator.calculate(new StringResource(text)));
        }
    }

    @Test
    void aResumeSkipsStatementsWhoseTextIsUnchangedAndNamesTheFirstThatChanged() {
        String script = "-- v2\nCREATE TABLE a (id INT);\nALTER TABLE b ADD COLUMN c INT;\nINSERT INTO a VALUES (1);\n";
        List<SqlStatements.Statement> statements = SqlStatements.split(script);
        List<StatementRun> ran = List.of(run(1, statements.get(0)), run(2, statements.get(1)));

        String relaid = "-- v2, comments and layout edited\nCREATE TABLE a   (id INT); -- same\nALTER TABLE b\n  ADD COLUMN c INT;\n"
                + "INSERT INTO a VALUES (2);\n";
        assertThat(ScriptStatements.changedSinceRun("V2__x.sql", SqlStatements.split(relaid), ran)).isEmpty();

        String edited = script.replace("ADD COLUMN c INT", "ADD COLUMN c BIGINT");
        assertThat(ScriptStatements.changedSinceRun("V2__x.sql", SqlStatements.split(edited), ran)).get().asString()
                .startsWith("Statement 2 of V2__x.sql (line 3) changed since it ran");

        assertThat(ScriptStatements.changedSinceRun("V2__x.sql", SqlStatements.split("CREATE TABLE a (id INT);\n"), ran)).get()
                .asString().contains("now has 1 statements, but 2 of it already ran");
    }

    @Test
    void anExecutableCommentIsAStatement() {
        assertThat(SqlStatements.split("/*!40101 SET NAMES utf8mb4 */;\n-- only a comment\n;\nCREATE TABLE a (id INT);\n"))
                .extracting(SqlStatements.Statement::line).containsExactly(1, 4);
    }

    private static StatementRun run(int index, SqlStatements.Statement statement) {
        return new StatementRun(index, statement.line(), StatementRun.hash(statement.sql()), StatementRun.shown(statement.sql()), null, 0, 1);
    }
}
