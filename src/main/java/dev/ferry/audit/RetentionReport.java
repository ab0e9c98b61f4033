package dev.ferry.audit;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One retention run: what was (or, dry, would be) moved, by status, and where it went. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetentionReport(String runId, String target, String policy, boolean dryRun, String cutoff, boolean includeUnresolved,
        long rows, Map<String, Long> byStatus, int batches, List<String> files, long durationMs) {
}
