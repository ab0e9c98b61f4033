package dev.ferry.problem;

import java.util.List;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * The one place where exceptions become HTTP answers: RFC 9457 problem+json with a stable code.
 * Messages are written for the caller; stack traces and SQL stay in the log.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response ferry(FerryException e, UriInfo uri) {
        Object field = e.details().get("field");
        List<Problem.FieldError> errors = field == null ? null
                : List.of(new Problem.FieldError(field.toString(), String.valueOf(e.details().get("message"))));
        return answer(e.code(), e.getMessage(), uri, errors);
    }

    /** Quarkus's own mapper for wrong field types would otherwise answer plain JSON. */
    @ServerExceptionMapper
    public Response wrongFieldType(MismatchedInputException e, UriInfo uri) {
        return unreadableBody(e, uri);
    }

    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e, UriInfo uri) {
        String detail = e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()
                ? "Field '" + mismatch.getPath().get(mismatch.getPath().size() - 1).getFieldName() + "' has the wrong type"
                : "The body is not valid JSON";
        return answer(ErrorCode.INVALID_REQUEST, detail, uri, null);
    }

    @ServerExceptionMapper({ io.quarkus.security.UnauthorizedException.class,
            io.quarkus.security.AuthenticationFailedException.class })
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        return Response.fromResponse(answer(ErrorCode.UNAUTHENTICATED, "A valid bearer token is required", uri, null))
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e, UriInfo uri) {
        return answer(ErrorCode.FORBIDDEN, "The token's roles do not allow this", uri, null);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        ErrorCode code = switch (status) {
            case 400 -> ErrorCode.INVALID_REQUEST;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> null;
        };
        if (code == null) {
            return unexpected(e, uri);
        }
        return answer(code, code.title(), uri, null);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.errorf(e, "Unexpected error answering %s", uri.getPath());
        return answer(ErrorCode.INTERNAL_ERROR, "An unexpected error occurred; the server log has the details", uri, null);
    }

    private static Response answer(ErrorCode code, String detail, UriInfo uri, List<Problem.FieldError> errors) {
        return Response.status(code.httpStatus())
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(code, detail, uri == null ? null : uri.getPath(), errors))
                .build();
    }
}
