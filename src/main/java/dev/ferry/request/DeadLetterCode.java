package dev.ferry.request;

/** Why a record went to the dead-letter topic (header {@code ferry-error-code}); codes are only ever added. */
public enum DeadLetterCode {
    /** Not JSON, JSON with a key given twice, or nested deeper than 1,000. */
    UNPARSEABLE,
    /** A record without a value. */
    EMPTY,
    /** A request the ledger database refuses to store. */
    UNSTORABLE
}
