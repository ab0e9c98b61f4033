package dev.ferry.request.action;

/** Where a long action reports its progress (stored in the ledger, shown by the REST API and its event stream). */
@FunctionalInterface
public interface ProgressReporter {

    void report(Object progress);
}
