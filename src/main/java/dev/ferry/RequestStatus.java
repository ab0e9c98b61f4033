package dev.ferry;

/** Ledger states; the last three are final and are the {@code status} of a result. */
public enum RequestStatus {
    RUNNING, SUCCEEDED, FAILED, REJECTED;

    public boolean isFinal() {
        return this != RUNNING;
    }
}
