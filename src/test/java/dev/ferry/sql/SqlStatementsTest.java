package dev.ferry.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SqlStatementsTest {

    @Test
    void statementsSplitAtTheirTerminatorWithTheLineEachStartsOn() {
        List<SqlStatements.Statement> statements = SqlStatements.split("CREATE TABLE a (id INT);\n\nINSERT INTO a\n  VALUES (1);\nSELECT 1");
        assertThat(statements).extracting(SqlStatements.Statement::sql)
                .containsExactly("CREATE TABLE a (id INT)", "INSERT INTO a\n  VALUES (1)", "SELECT 1");
        assertThat(statements).extracting(SqlStatements.Statement::line).containsExactly(1, 3, 5);
    }

    @Test
    void terminatorsInsideQuotesBackticksAndCommentsDoNotSplit() {
        String script = "INSERT INTO t VALUES ('a;b', \"c;d\", 'it''s;');\n"
                + "CREATE TABLE `odd;name` (id INT);\n"
                + "-- a comment; with a terminator\n"
                + "# another; one\n"
                + "/* block;\n comment */ UPDATE t SET v = 1 WHERE id = 2;\n";
        List<SqlStatements.Statement> statements = SqlStatements.split(script);
        assertThat(statements).hasSize(3);
        assertThat(statements.get(0).sql()).isEqualTo("INSERT INTO t VALUES ('a;b', \"c;d\", 'it''s;')");
        assertThat(statements.get(1).sql()).isEqualTo("CREATE TABLE `odd;name` (id INT)");
        assertThat(SqlStatements.withoutComments(statements.get(2).sql())).isEqualTo("UPDATE t SET v = 1 WHERE id = 2");
    }

    @Test
    void aDelimiterBlockKeepsARoutineWhole() {
        String script = "DELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND//\nDELIMITER ;\nCALL p();\n";
        List<SqlStatements.Statement> statements = SqlStatements.split(script);
        assertThat(statements).extracting(SqlStatements.Statement::sql)
                .containsExactly("CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND", "CALL p()");
        assertThat(statements).extracting(SqlStatements.Statement::line).containsExactly(2, 8);
    }

    @Test
    void onlyCommentsAndEmptyStatementsAreNoStatements() {
        assertThat(SqlStatements.split("-- nothing here\n;\n/* nor here */;\n")).isEmpty();
        assertThat(SqlStatements.split("")).isEmpty();
    }
}
