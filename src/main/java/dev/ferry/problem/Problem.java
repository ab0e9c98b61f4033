package dev.ferry.problem;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An RFC 9457 problem detail, extended with Ferry's stable {@code code} and per-field {@code errors}. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String code,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** Which parameter or body field was wrong, and why. */
    @RegisterForReflection
    public record FieldError(String field, String message) {
    }

    static Problem of(ErrorCode code, String detail, String instance, List<FieldError> errors) {
        return new Problem("https://ferry.dev/problems/" + code.name().toLowerCase().replace('_', '-'), code.title(),
                code.httpStatus(), detail, instance, code.name(), errors);
    }
}
