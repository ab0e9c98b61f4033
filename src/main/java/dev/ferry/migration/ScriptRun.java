package dev.ferry.migration;

import java.sql.Connection;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the statements of one change run with: where they are recorded, where a long statement
 * reports its progress, a second connection to watch it with, and whether a large table may be
 * copied in place (a forced run).
 */
record ScriptRun(StatementJournal journal, Consumer<DdlProgress> progress, Supplier<Connection> watcher, boolean copyAllowed) {

    /** A sandbox or a read: nothing recorded, nothing reported, any table small enough to copy. */
    static final ScriptRun UNRECORDED = new ScriptRun(StatementJournal.NONE, progress -> {
    }, null, true);
}
