package dev.ferry.problem;

import java.util.Map;

import dev.ferry.RequestStatus;

/** A failure with a stable {@link ErrorCode}; becomes a result's {@code error} or a problem+json answer. */
public class FerryException extends RuntimeException {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(FerryException.class);

    private final ErrorCode code;
    private final String migration;
    private final Map<String, Object> details;
    private final RequestStatus status;

    public FerryException(ErrorCode code, String message) {
        this(code, message, null, Map.of(), null);
    }

    public FerryException(ErrorCode code, String message, String migration, Map<String, Object> details, Throwable cause) {
        this(code, null, message, migration, details, cause);
    }

    /** With a result status other than the code's own (a check that failed after its script ran: FAILED, not REJECTED). */
    public FerryException(ErrorCode code, RequestStatus status, String message, String migration, Map<String, Object> details,
            Throwable cause) {
        super(message, cause);
        this.code = code;
        this.status = status;
        this.migration = migration;
        this.details = details == null ? Map.of() : details;
    }

    /** The status of a result that ends with this failure. */
    public RequestStatus status() {
        return status != null ? status : code.resultStatus();
    }

    /**
     * TARGET_UNAVAILABLE for a database Ferry lost or could not reach. The driver's words name hosts,
     * ports and users, so they go to the log, never to a caller.
     */
    public static FerryException targetUnavailable(String what, Throwable cause) {
        LOG.warnf("%s: %s", what, cause == null ? "" : cause.getMessage());
        return new FerryException(ErrorCode.TARGET_UNAVAILABLE, what + "; the log has the driver's message", null, Map.of(), cause);
    }

    /** INVALID_REQUEST naming the query parameter at fault, for the caller to fix. */
    public static FerryException badParameter(String parameter, String message) {
        return invalid("Parameter", parameter, message);
    }

    /** INVALID_REQUEST naming the body field at fault. */
    public static FerryException badField(String field, String message) {
        return invalid("Field", field, message);
    }

    /** The problem's {@code errors} list is built from the "field" and "message" details. */
    private static FerryException invalid(String kind, String name, String message) {
        return new FerryException(ErrorCode.INVALID_REQUEST, kind + " '" + name + "': " + message, null,
                Map.of("field", name, "message", message), null);
    }

    /** INVALID_REQUEST for a request that needs a JSON body and came without one. */
    public static FerryException bodyRequired() {
        return new FerryException(ErrorCode.INVALID_REQUEST, "A JSON body is required");
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
