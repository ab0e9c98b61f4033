package dev.ferry.request;

import java.time.Instant;

/**
 * One record of the requests topic as Ferry judges it: its key and bytes, the bearer token it
 * carries (header {@code authorization}, may be null) and when it was written.
 */
public record IncomingRecord(String key, byte[] value, String authorization, Instant timestamp) {
}
