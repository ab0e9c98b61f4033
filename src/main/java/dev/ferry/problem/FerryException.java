package dev.ferry.problem;

import java.util.Map;

/** A failure with a stable {@link ErrorCode}; becomes a result's {@code error} or a problem+json answer. */
public class FerryException extends RuntimeException {

    private final ErrorCode code;
    private final String migration;
    private final Map<String, Object> details;

    public FerryException(ErrorCode code, String message) {
        this(code, message, null, Map.of(), null);
    }

    public FerryException(ErrorCode code, String message, String migration, Map<String, Object> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.migration = migration;
        this.details = details == null ? Map.of() : details;
    }

    /** INVALID_REQUEST naming the query parameter at fault, for the caller to fix. */
    public static FerryException badParameter(String parameter, String message) {
        return new FerryException(ErrorCode.INVALID_REQUEST, "Parameter '" + parameter + "': " + message, null,
                Map.of("parameter", parameter), null);
    }

    public ErrorCode code() {
        return code;
    }

    /** The script at fault, if any. */
    public String migration() {
        return migration;
    }

    public Map<String, Object> details() {
        return details;
    }
}
