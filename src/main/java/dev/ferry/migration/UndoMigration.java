package dev.ferry.migration;

import java.sql.Connection;

/**
 * A Java undo migration: a class named {@code U<version>__<Description>} in one of a target's
 * {@code classpath:} locations, with a public no-argument constructor. {@code revert} runs it, like
 * a {@code U<version>__*.sql} script, when no SQL undo script exists for that version.
 */
public interface UndoMigration {

    /** Undoes the version on the target's connection (auto-commit, as SQL undo scripts run). */
    void undo(Connection connection) throws Exception;
}
