package dev.ferry.request;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import io.smallrye.mutiny.Uni;

/** Validates a request and publishes it to the requests topic, keyed by target, like a pipeline would. */
@ApplicationScoped
public class RequestSubmitter {

    private final RequestValidator validator;
    private final EventPublisher publisher;

    public RequestSubmitter(RequestValidator validator, EventPublisher publisher) {
        this.validator = validator;
        this.publisher = publisher;
    }

    /** Completes once the broker acknowledged the request. */
    public Uni<SubmittedRequest> submit(MigrationRequest request) {
        Action action = validator.validate(request);
        return publisher.publishRequest(request)
                .onFailure().transform(e -> new FerryException(ErrorCode.PUBLISH_FAILED,
                        "The broker did not acknowledge the request: " + e.getMessage()))
                .map(ignored -> new SubmittedRequest(request.requestId(), request.target(), action.wireName(),
                        "/api/requests/" + request.requestId()));
    }
}
