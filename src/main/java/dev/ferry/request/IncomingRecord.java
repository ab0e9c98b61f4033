package dev.ferry.request;

import java.time.Instant;

/**
 * One record of the requests topic as Ferry judges it: its key and bytes, the bearer token it
 * carries (header {@code authorization}, may be null), when it was written, and for a rollout's child
 * request the rollout it belongs to (header {@code ferry-rollout}).
 */
public record IncomingRecord(String key, byte[] value, String authorization, Instant timestamp, String rollout) {

    public IncomingRecord(String key, byte[] value, String authorization, Instant timestamp) {
        this(key, value, authorization, timestamp, null);
    }
}
