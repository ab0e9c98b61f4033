package db.javaundo;

import java.sql.Connection;
import java.sql.Statement;

import dev.ferry.migration.UndoMigration;

/** A Java undo migration: what V1__create_note.sql did, undone in code. */
public class U1__create_note implements UndoMigration {

    @Override
    public void undo(Connection connection) throws Exception {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE note");
        }
    }
}
