package dev.ferry.request.rollout;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A rollout as it stands, or as it ended: what it changes where, its state, how many targets are in
 * each state, and each target's wave, state, version and error. The same shape for
 * {@code GET /api/rollouts/{id}}, its progress events, and its combined result.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutReport(String rolloutId, String group, String change, String toVersion, Map<String, Object> options, String state,
        String haltedBecause, Map<String, Long> counts, List<TargetEntry> targets, Long durationMs) {

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TargetEntry(String target, int wave, String state, String request, String versionAfter, String errorCode) {
    }
}
