package dev.ferry.request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.RequestStatus;
import dev.ferry.Roles;
import dev.ferry.Transient;
import dev.ferry.identity.RecordAuthenticator;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.request.rollout.RolloutStore;

/**
 * Turns one record of {@code migration-requests} into exactly one final result: parse, authenticate,
 * deduplicate through the ledger, then run ({@link RequestRunner}) and answer ({@link ResultPublication}),
 * or answer a known id ({@link KnownRequests}). Blocking; runs on the dispatcher's worker threads.
 */
@ApplicationScoped
public class RequestProcessor {

    private static final Logger LOG = Logger.getLogger(RequestProcessor.class);

    private final ObjectMapper mapper;
    private final RecordAuthenticator authenticator;
    private final RequestRunner requests;
    private final ResultPublication publication;
    private final KnownRequests known;
    private final RolloutStore rollouts;

    public RequestProcessor(ObjectMapper mapper, RecordAuthenticator authenticator, RequestRunner requests, ResultPublication publication,
            KnownRequests known, RolloutStore rollouts) {
        this.rollouts = rollouts;
        this.mapper = mapper;
        this.authenticator = authenticator;
        this.requests = requests;
        this.publication = publication;
        this.known = known;
    }

    /** Handles one record; returns once its result or dead letter is acknowledged by the broker. */
    public void process(IncomingRecord record) {
        String key = record.key();
        byte[] value = record.value();
        Instant receivedAt = Instant.now();
        JsonNode tree;
        try {
            // The mapper refuses duplicated keys (StrictJson), like the REST API.
            tree = value == null ? null : mapper.readTree(value);
        } catch (IOException e) {
            LOG.warnf("Unparseable record (key %s) sent to the dead-letter topic: %s", key, e.getMessage());
            publication.deadLetter(key, value, DeadLetterCode.UNPARSEABLE, firstLine(e.getMessage()));
            return;
        }
        if (tree == null || tree.isMissingNode()) {
            publication.deadLetter(key, value, DeadLetterCode.EMPTY, "The record has no JSON value");
            return;
        }
        MigrationRequest asked;
        try {
            if (!tree.isObject()) {
                throw new IllegalArgumentException("A request must be a JSON object, not " + tree.getNodeType());
            }
            asked = mapper.treeToValue(tree, MigrationRequest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String requestId = tree.path("requestId").isTextual() ? tree.path("requestId").asText() : null;
            rejectUnrecorded(requestId, tree, receivedAt, new FerryException(ErrorCode.INVALID_REQUEST,
                    "The request does not match the contract: " + firstLine(e.getMessage())));
            return;
        }
        if (!RequestValidator.isValidRequestId(asked.requestId())) {
            rejectUnrecorded(asked.requestId(), tree, receivedAt, new FerryException(ErrorCode.INVALID_REQUEST,
                    RequestValidator.REQUEST_ID_RULE));
            return;
        }
        // Nothing is recorded for a record without a valid identity, so it cannot take a requestId from its owner.
        MigrationRequest request;
        try {
            if (record.authorization() == null && record.rollout() != null) {
                // A rollout's child: it counts only as a target of a rollout the ledger holds, asked for by that rollout's requester.
                request = asked.requestedBy(rollouts.requesterOfChild(record.rollout(), asked.requestId(), asked.target())
                        .orElseThrow(() -> new FerryException(ErrorCode.UNAUTHENTICATED, "The record names rollout " + record.rollout()
                                + ", which has no such target to change. Nothing was run.")));
            } else {
                String role = Action.fromWire(asked.action()).filter(Action::decides).map(a -> Roles.APPROVER).orElse(Roles.OPERATOR);
                request = asked.requestedBy(authenticator.verify(record.authorization(), record.timestamp(), receivedAt, role).name());
            }
        } catch (FerryException e) {
            LOG.warnf("Request %s refused: %s", asked.requestId(), e.getMessage());
            rejectUnrecorded(asked.requestId(), tree, receivedAt, e);
            return;
        }
        // Every log line of this request's work carries its id and target (JSON logs show the MDC).
        MDC.put("requestId", request.requestId());
        MDC.put("target", String.valueOf(request.target()));
        try {
            handle(request, key, value, receivedAt);
        } finally {
            MDC.remove("requestId");
            MDC.remove("target");
        }
    }

    private void handle(MigrationRequest request, String key, byte[] value, Instant receivedAt) {
        try {
            if (requests.claim(request, new String(value, StandardCharsets.UTF_8), receivedAt)) {
                MigrationResult result = requests.run(request, receivedAt);
                // A parked request waits in the ledger, a rollout is driven from it: either way the record is done.
                if (result.status().isFinal()) {
                    publication.complete(result, request.isForced());
                }
            } else {
                known.answer(request, receivedAt);
            }
        } catch (RequestLedger.LedgerRefusedException e) {
            LOG.warnf("Request %s cannot be recorded, sent to the dead-letter topic: %s", request.requestId(), e.getMessage());
            publication.deadLetter(key, value, DeadLetterCode.UNSTORABLE, firstLine(e.getMessage()));
        } catch (Transient.Exhausted e) {
            // The ledger or the broker is still away: leave the record for redelivery (readiness reports it).
            throw e;
        } catch (RuntimeException e) {
            if (interrupted(e)) {
                throw e; // shutting down: the record is delivered again to whoever owns the partition next
            }
            // A failure no retry can mend (a bug): answer it, so the partition moves on.
            LOG.errorf(e, "Request %s could not be finished; answering INTERNAL_ERROR", request.requestId());
            publication.publishUnrecorded(requests.resultOf(request, receivedAt, receivedAt, MigrationOutcome.failed(new FerryException(
                    ErrorCode.INTERNAL_ERROR, "Ferry could not finish the request: " + e.getClass().getSimpleName()
                            + "; the log has the details"))));
        }
    }

    /** Rejects a request that breaks the contract; echoes its fields only as long as the contract allows them. */
    private void rejectUnrecorded(String requestId, JsonNode tree, Instant receivedAt, FerryException refusal) {
        MigrationRequest partial = new MigrationRequest(EventPublisher.clipped(requestId, 128),
                EventPublisher.clipped(text(tree, "action"), 32), EventPublisher.clipped(text(tree, "target"), 128), null, null, null,
                null, null, null, null);
        publication.publishUnrecorded(requests.resultOf(partial, receivedAt, receivedAt, MigrationOutcome.failed(refusal)));
    }

    private static boolean interrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }

    private static String text(JsonNode tree, String field) {
        return tree.path(field).isTextual() ? tree.path(field).asText() : null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
