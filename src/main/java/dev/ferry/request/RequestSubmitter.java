package dev.ferry.request;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** Validates a request and publishes it to {@code migration-requests}, keyed by target, like a pipeline would. */
@ApplicationScoped
public class RequestSubmitter {

    private final RequestValidator validator;
    private final MutinyEmitter<String> submissions;
    private final ObjectMapper mapper;

    public RequestSubmitter(RequestValidator validator, @Channel("request-submissions") MutinyEmitter<String> submissions,
            ObjectMapper mapper) {
        this.validator = validator;
        this.submissions = submissions;
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
        Message<String> message = Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String> builder().withKey(request.target()).build());
        return submissions.sendMessage(message)
                .onFailure().transform(e -> new FerryException(ErrorCode.PUBLISH_FAILED,
                        "The broker did not acknowledge the request: " + e.getMessage()))
                .map(ignored -> new SubmittedRequest(request.requestId(), request.target(), action.wireName(),
                        "/api/requests/" + request.requestId()));
    }
}
