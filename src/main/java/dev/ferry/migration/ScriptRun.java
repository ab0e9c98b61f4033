package dev.ferry.migration;

import java.sql.Connection;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the statements of one change run with: where they are recorded, where a long statement
 * reports its progress, a second connection to watch it with, whether a large table may be copied in
 * place (a forced run), and whether the scripts are only recorded as applied, not run (their changes
 * are already there: a captured hand change).
 */
record ScriptRun(StatementJournal journal, Consumer<DdlProgress> progress, Supplier<Connection> watcher, boolean copyAllowed,
        boolean recordOnly) {

    /** A sandbox or a read: nothing recorded, nothing reported, any table small enough to copy. */
    static final ScriptRun UNRECORDED = new ScriptRun(StatementJournal.NONE, progress -> {
    }, null, true, false);
}
