package dev.ferry.migration;

import java.util.List;
import java.util.Optional;

/**
 * Where the statements of a target's scripts are recorded as they run: what lets a script that stopped
 * half-way continue at its next statement. A sandbox keeps no journal ({@link #NONE}).
 */
interface StatementJournal {

    /** The statements of {@code version} that ran to their end, in order. */
    List<StatementRun> applied(String version);

    /**
     * The statement of {@code version} that was running when Ferry stopped, with the target session
     * that ran it: whether it ended, and how, only the server knows.
     */
    Optional<InFlight> inFlight(String version);

    /**
     * {@code statement} of {@code version}'s {@code script} is about to run on target session
     * {@code session}; {@code mark} is the target's last successful history row as the script began.
     */
    void starting(String version, String script, StatementRun statement, long session, String mark);

    /** {@code statement} of {@code version}'s {@code script} has run. */
    void record(String version, String script, StatementRun statement, String mark);

    /** Statement {@code index} of {@code version} ended without running (the server refused it). */
    void refused(String version, int index);

    /** A statement that started and was never seen to end. */
    record InFlight(int index, long session) {
    }

    /** Nothing is kept: every script starts at its first statement. */
    StatementJournal NONE = new StatementJournal() {
        @Override
        public List<StatementRun> applied(String version) {
            return List.of();
        }

        @Override
        public Optional<InFlight> inFlight(String version) {
            return Optional.empty();
        }

        @Override
        public void starting(String version, String script, StatementRun statement, long session, String mark) {
            // a sandbox is thrown away; nothing to resume
        }

        @Override
        public void record(String version, String script, StatementRun statement, String mark) {
            // a sandbox is thrown away; nothing to resume
        }

        @Override
        public void refused(String version, int index) {
            // a sandbox is thrown away; nothing to resume
        }
    };
}
