package dev.ferry.request.action;

import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;

/**
 * Runs one kind of request. Adding an action means adding one of these: the processor finds it by
 * {@link #action()}, and keeps the ledger, heartbeat, retries and publication to itself.
 */
public interface ActionHandler {

    Action action();

    /** Does the work of a validated request; failures end as {@code ActionResult.outcome().failure()} or as a FerryException. */
    ActionResult handle(MigrationRequest request, ProgressReporter progress);
}
