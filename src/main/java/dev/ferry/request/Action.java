package dev.ferry.request;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a request asks for; the wire form is the lower-case name. */
public enum Action {
    MIGRATE(true), REVERT(true), INFO(false), VALIDATE(false), REPAIR(true), GENERATE(false), BASELINE(true), BACKFILL(true), DRIFT(false),
    /** Decisions on a request that waits for an approver (the approver's token, {@code options.request}). */
    APPROVE(false), DENY(false),
    /** One change across a group of targets, as a child request per target (which takes that target's lock). */
    ROLLOUT(false);

    private final boolean changesTarget;

    Action(boolean changesTarget) {
        this.changesTarget = changesTarget;
    }

    /** Whether the action writes to the target, and so must hold the target's lock. */
    public boolean changesTarget() {
        return changesTarget;
    }

    /** Whether the action decides another request, and so needs the approver role rather than the operator's. */
    public boolean decides() {
        return this == APPROVE || this == DENY;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Action> fromWire(String value) {
        return Arrays.stream(values()).filter(a -> a.wireName().equals(value)).findFirst();
    }
}
