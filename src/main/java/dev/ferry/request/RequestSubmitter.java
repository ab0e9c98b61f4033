package dev.ferry.request;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import io.smallrye.mutiny.Uni;

/** Validates a request and publishes it to {@code migration-requests}, keyed by target, like a pipeline would. */
@ApplicationScoped
public class RequestSubmitter {

    private final RequestValidator validator;
    private final EventPublisher publisher;
    private final ObjectMapper mapper;

    public RequestSubmitter(RequestValidator validator, EventPublisher publisher, ObjectMapper mapper) {
        this.validator = validator;
        this.publisher = publisher;
        this.mapper = mapper;
    }

    /** Completes once the broker acknowledged the request. */
    public Uni<SubmittedRequest> submit(MigrationRequest request) {
        Action action = validator.validate(request);
        String json;
        try {
            json = mapper.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "The request cannot be serialised");
        }
        return publisher.publishRequest(request.target(), json)
                .onFailure().transform(e -> new FerryException(ErrorCode.PUBLISH_FAILED,
                        "The broker did not acknowledge the request: " + e.getMessage()))
                .map(ignored -> new SubmittedRequest(request.requestId(), request.target(), action.wireName(),
                        "/api/requests/" + request.requestId()));
    }
}
