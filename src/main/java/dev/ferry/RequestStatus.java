package dev.ferry;

/**
 * Ledger states. SUCCEEDED, FAILED and REJECTED are final and are the {@code status} of a result;
 * AWAITING_APPROVAL is a request parked until an approver decides (its record is acknowledged).
 */
public enum RequestStatus {
    RUNNING, SUCCEEDED, FAILED, REJECTED, AWAITING_APPROVAL;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == REJECTED;
    }
}
