package dev.ferry.request;

/** A CDI event: this instance recorded the final result of {@code requestId} (a rollout's driver steps at once). */
public record RequestFinished(String requestId) {
}
