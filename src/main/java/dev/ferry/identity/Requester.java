package dev.ferry.identity;

/** Who asked for a change: the name of a verified bearer token's subject. */
public record Requester(String name) {

    /** What the ledger records when record authentication is turned off. */
    public static final Requester UNVERIFIED = new Requester("unverified");
}
