package dev.ferry.request;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * Whether a re-sent requestId asks for the same work as the request first stored under it. Only the
 * fields that decide what runs count; who sent it and why ({@code requestedBy}, {@code reason}) do not.
 */
final class SameRequest {

    private SameRequest() {
    }

    private static final MigrationRequest NO_REQUEST = new MigrationRequest(null, null, null, null, null, null, null, null, null, null);

    /**
     * The fields in which {@code resent} differs from the request stored as {@code storedPayload}; a
     * row Ferry wrote itself (a retention run) holds no request, so every id of it differs.
     */
    static List<String> differences(String storedPayload, MigrationRequest resent, ObjectMapper mapper) {
        MigrationRequest stored;
        try {
            stored = storedPayload == null ? NO_REQUEST : mapper.readValue(storedPayload, MigrationRequest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            stored = NO_REQUEST;
        }
        return differences(stored, resent, mapper);
    }

    /** The fields that differ, in contract order; empty when the two ask for the same work. */
    static List<String> differences(MigrationRequest stored, MigrationRequest resent, ObjectMapper mapper) {
        List<String> fields = new ArrayList<>();
        differs(fields, "action", stored.action(), resent.action());
        differs(fields, "target", stored.target(), resent.target());
        differs(fields, "toVersion", stored.toVersion(), resent.toVersion());
        differs(fields, "steps", stored.steps(), resent.steps());
        differs(fields, "dryRun", stored.isDryRun(), resent.isDryRun());
        differs(fields, "force", stored.isForced(), resent.isForced());
        // Compared as JSON trees, so 1 and 1.0, or keys in another order, are the same option.
        JsonNode storedOptions = options(stored, mapper);
        JsonNode resentOptions = options(resent, mapper);
        if (!storedOptions.equals(new NumericTolerant(), resentOptions)) {
            fields.add("options");
        }
        return fields;
    }

    /** IDEMPOTENCY_CONFLICT naming the fields, for a re-sent id that asks for something else. */
    static FerryException conflict(String requestId, List<String> fields) {
        return new FerryException(ErrorCode.IDEMPOTENCY_CONFLICT, "Request '" + requestId + "' was already received with a different "
                + String.join(", ", fields) + ". Its stored result is unchanged; send the new request with a new requestId.", null,
                java.util.Map.of("fields", List.copyOf(fields)), null);
    }

    private static JsonNode options(MigrationRequest request, ObjectMapper mapper) {
        return request.options() == null || request.options().isEmpty() ? mapper.createObjectNode() : mapper.valueToTree(request.options());
    }

    private static void differs(List<String> fields, String name, Object stored, Object resent) {
        if (!Objects.equals(stored, resent)) {
            fields.add(name);
        }
    }

    /** Numbers compare by value (1 equals 1.0); everything else as JSON. */
    private static final class NumericTolerant implements java.util.Comparator<JsonNode> {
        @Override
        public int compare(JsonNode a, JsonNode b) {
            if (a.isNumber() && b.isNumber()) {
                return a.decimalValue().compareTo(b.decimalValue());
            }
            return a.equals(b) ? 0 : 1;
        }
    }
}
