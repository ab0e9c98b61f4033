package dev.ferry;

import dev.ferry.problem.FerryException;

/**
 * The one way a boolean query parameter is read: exactly {@code true} or {@code false}. JAX-RS would
 * read {@code dryRun=1}, {@code yes} or an empty value as {@code false}, and a dry run would delete.
 */
public final class BooleanParameter {

    private BooleanParameter() {
    }

    /** {@code fallback} when the parameter is absent; INVALID_REQUEST naming it for anything but true or false. */
    public static boolean parse(String name, String value, boolean fallback) {
        Boolean parsed = parseOptional(name, value);
        return parsed == null ? fallback : parsed;
    }

    /** Null when absent. */
    public static Boolean parseOptional(String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw FerryException.badParameter(name, "must be true or false");
        };
    }
}
