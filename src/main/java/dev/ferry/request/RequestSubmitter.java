package dev.ferry.request;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * Validates a request and publishes it to the requests topic, keyed by target, like a pipeline would:
 * as the caller, with the caller's own token on the record, which Ferry's consumer verifies like any other.
 */
@ApplicationScoped
public class RequestSubmitter {

    private static final Logger LOG = Logger.getLogger(RequestSubmitter.class);

    private final RequestValidator validator;
    private final EventPublisher publisher;
    private final SecurityIdentity caller;
    private final ObjectMapper mapper;
    private final RequestLedger ledger;

    public RequestSubmitter(RequestValidator validator, EventPublisher publisher, SecurityIdentity caller, ObjectMapper mapper,
            RequestLedger ledger) {
        this.ledger = ledger;
        this.mapper = mapper;
        this.validator = validator;
        this.publisher = publisher;
        this.caller = caller;
    }

    /** Completes once the broker acknowledged the request; {@code requestedBy} is the caller, whatever the body said. */
    public Uni<SubmittedRequest> submit(MigrationRequest request) {
        if (!(caller.getPrincipal() instanceof JsonWebToken token)) {
            throw new FerryException(ErrorCode.UNAUTHENTICATED, "A bearer token is required to submit a request");
        }
        MigrationRequest asCaller = request.requestedBy(token.getName());
        Action action = validator.validate(asCaller);
        return refuseConflict(asCaller).chain(() -> publisher.publishRequest(asCaller, "Bearer " + token.getRawToken())
                .onFailure().invoke(e -> LOG.warnf("Request %s not published: %s", asCaller.requestId(), e.getMessage()))
                .onFailure().transform(e -> new FerryException(ErrorCode.PUBLISH_FAILED,
                        "The broker did not acknowledge the request"))
                .map(ignored -> new SubmittedRequest(asCaller.requestId(), asCaller.target(), action.wireName(),
                        "/api/requests/" + asCaller.requestId())));
    }

    /**
     * 409 for a known id sent with other work: answered here, before the broker, so a pipeline sees
     * the conflict at once (the consumer refuses it too, for records sent straight to Kafka).
     */
    private Uni<Void> refuseConflict(MigrationRequest request) {
        return ledger.entry(request.requestId()).map(stored -> {
            if (stored != null) {
                List<String> differences = SameRequest.differences(stored.payload(), request, mapper);
                if (!differences.isEmpty()) {
                    throw SameRequest.conflict(request.requestId(), differences);
                }
            }
            return null;
        });
    }

}
