package dev.ferry.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.IntConsumer;

import dev.ferry.sql.SqlStatements;

/**
 * The undo of one version, as a revert (live) and the sandbox round trip both run it: a
 * {@code U<version>__*.sql} statement by statement, or a Java {@link UndoMigration}.
 */
public final class UndoScript {

    private final ScriptCatalog.Script script;

    UndoScript(ScriptCatalog.Script script) {
        this.script = script;
    }

    /** The undo of {@code version} among the target's scripts, if there is one. */
    public static Optional<UndoScript> of(TargetDatabase target, String version) {
        return target.scripts().index().undoOf(version).map(UndoScript::new);
    }

    public String name() {
        return script.name();
    }

    /** The SQL text, or a comment for a Java undo. */
    public String text() {
        return script.text();
    }

    public boolean isJava() {
        return script.java() != null;
    }

    /**
     * Runs the undo over {@code connection}. Each statement that ran is reported to {@code ran} by its
     * line; the first that fails ends the run as a {@link Failure} naming its line (0 for Java).
     */
    public void run(Connection connection, IntConsumer ran) {
        if (script.java() != null) {
            try {
                script.java().undo(connection);
            } catch (SQLException e) {
                throw new Failure(script.name(), 0, e);
            } catch (Exception e) {
                throw new Failure(script.name(), 0, new SQLException(e.getClass().getSimpleName() + ": " + e.getMessage(), e));
            }
            return;
        }
        for (SqlStatements.Statement statement : SqlStatements.split(script.text())) {
            try (Statement s = connection.createStatement()) {
                s.execute(statement.sql());
            } catch (SQLException e) {
                throw new Failure(script.name(), statement.line(), e);
            }
            ran.accept(statement.line());
        }
    }

    /** An undo statement failed: which script, which line (0 for a Java undo), and the server's words. */
    public static final class Failure extends RuntimeException {
        private final String script;
        private final int line;

        Failure(String script, int line, SQLException cause) {
            super(cause.getMessage(), cause);
            this.script = script;
            this.line = line;
        }

        public String script() {
            return script;
        }

        public int line() {
            return line;
        }
    }
}
