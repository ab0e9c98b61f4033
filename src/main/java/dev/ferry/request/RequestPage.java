package dev.ferry.request;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One page of requests, newest first; pass {@code nextCursor} as {@code after} for the next page. */
@RegisterForReflection
public record RequestPage(List<RequestView> items, String nextCursor) {
}
