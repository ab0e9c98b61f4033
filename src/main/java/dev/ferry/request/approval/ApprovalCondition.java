package dev.ferry.request.approval;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What makes a request wait for an approver, named in {@code ferry.targets.<name>.approval.required-for}.
 * The first four are read from the request; the last three need its plan (a dry run), and an approved
 * request runs past them as a forced one would.
 */
public enum ApprovalCondition {
    /** Every migrate and revert. */
    CHANGE(false),
    /** A request with {@code force: true}. */
    FORCE(false),
    REPAIR(false),
    BASELINE(false),
    /** The plan has a blocking lint finding: approval instead of force. */
    BLOCKING_LINT(true),
    /** The plan copies a table of at least ddl.large-table-rows rows. */
    TABLE_COPY(true),
    /** The live schema differs from the history. */
    DRIFT(true);

    private final boolean needsPlan;

    ApprovalCondition(boolean needsPlan) {
        this.needsPlan = needsPlan;
    }

    public boolean needsPlan() {
        return needsPlan;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<ApprovalCondition> fromWire(String value) {
        return Arrays.stream(values()).filter(c -> c.wire().equals(value.trim().toLowerCase(Locale.ROOT))).findFirst();
    }
}
