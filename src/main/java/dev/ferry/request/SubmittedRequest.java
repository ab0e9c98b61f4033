package dev.ferry.request;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The answer to {@code POST /api/requests}: the request is on the topic; poll {@code location} for its result. */
@RegisterForReflection
public record SubmittedRequest(String requestId, String target, String action, String location) {
}
