package dev.ferry.request;

import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A migration request as published on {@code migration-requests}; see the event contract in the README. */
@RegisterForReflection
public record MigrationRequest(
        String requestId,
        String action,
        String target,
        String toVersion,
        Integer steps,
        Boolean dryRun,
        Boolean force,
        Map<String, Object> options,
        String requestedBy,
        String reason) {

    public boolean isDryRun() {
        return Boolean.TRUE.equals(dryRun);
    }

    public boolean isForced() {
        return Boolean.TRUE.equals(force);
    }

    /** The same request as asked for by {@code requester}: the identity comes from a verified token, never from the body. */
    public MigrationRequest requestedBy(String requester) {
        return new MigrationRequest(requestId, action, target, toVersion, steps, dryRun, force, options, requester, reason);
    }
}
