package dev.ferry.cli;

/** What {@code ferry-cli} exits with: a pipeline branches on these, so they never change. */
public enum ExitCode {
    SUCCEEDED(0),
    /** Bad usage of the CLI itself (picocli's own code). */
    USAGE(1),
    REJECTED(2),
    FAILED(3),
    /** The request was not final when {@code --wait} ran out. */
    TIMED_OUT(4),
    /** No token, a token Ferry refused, or Ferry unreachable. */
    NO_ACCESS(5);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The exit code of a request in {@code status} (RUNNING: the wait ran out). */
    static ExitCode of(String status) {
        return switch (status == null ? "" : status) {
            case "SUCCEEDED" -> SUCCEEDED;
            case "REJECTED" -> REJECTED;
            case "FAILED" -> FAILED;
            default -> TIMED_OUT;
        };
    }
}
