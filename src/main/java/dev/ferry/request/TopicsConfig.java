package dev.ferry.request;

import io.smallrye.config.ConfigMapping;

/**
 * The five topics: {@code ferry.topics.*}. Their default names are in application.properties, where
 * the consumer's channel reads {@code requests} too.
 */
@ConfigMapping(prefix = "ferry.topics")
public interface TopicsConfig {

    /** Migration requests: what Ferry consumes, and where {@code POST /api/requests} publishes. */
    String requests();

    /** One result per request. */
    String results();

    /** Alerts on failures, stuck requests and backfill errors. */
    String alerts();

    /** Records that are not a request, as received, with the reason in headers. */
    String deadLetters();

    /** Requests that wait for approval, with their plan: not results (each request still has exactly one, on {@code results}). */
    String approvals();
}
