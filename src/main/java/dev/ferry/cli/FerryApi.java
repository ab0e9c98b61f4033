package dev.ferry.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.unchecked.Unchecked;

/**
 * Ferry's REST API as the CLI uses it: submit, read, and wait with {@code ?wait=} (one open call at a
 * time, each at most a minute). While waiting, a Ferry that cannot be reached (a restart, a rollout)
 * is asked again until the deadline.
 */
final class FerryApi {

    /** What one call answered: the HTTP status and the JSON body (a request's ledger entry, or a problem). */
    record Answer(int status, JsonNode body) {
    }

    /** Ferry could not be reached, or answered without JSON. */
    static final class Unreachable extends IOException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final int MAX_WAIT_SECONDS = 60;
    private static final Duration OUTAGE_FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration OUTAGE_LAST_RETRY = Duration.ofSeconds(5);

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();

    FerryApi(URI base, String token) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** POST /api/requests, waiting up to a minute of {@code deadline} for the result. */
    Answer submit(JsonNode request, Instant deadline) throws IOException, InterruptedException {
        HttpRequest post = authorized("api/requests?wait=" + waitSeconds(deadline))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(request))).build();
        return send(post);
    }

    /** GET /api/requests/{id} once, waiting up to {@code seconds} for it to be final. */
    Answer get(String requestId, long seconds) throws IOException, InterruptedException {
        return send(authorized("api/requests/" + URLEncoder.encode(requestId, StandardCharsets.UTF_8).replace("+", "%20") + "?wait=" + seconds)
                .GET().build());
    }

    /**
     * The request once final, or as it was when {@code deadline} passed. A Ferry that cannot be reached
     * meanwhile (a restart, a rollout) is asked again with backoff until the deadline; {@link Unreachable}
     * only if it never answered at all.
     */
    Answer awaitFinal(String requestId, Instant deadline) throws IOException {
        AtomicReference<Answer> last = new AtomicReference<>();
        try {
            return Uni.createFrom().item(Unchecked.supplier(() -> get(requestId, waitSeconds(deadline))))
                    .onFailure(FerryApi::unreachable).retry().withBackOff(OUTAGE_FIRST_RETRY, OUTAGE_LAST_RETRY).expireAt(deadline.toEpochMilli())
                    .invoke(last::set)
                    // The server did the waiting: a call that ended with the request still running is simply made again.
                    .onItem().transform(answer -> {
                        if (answer.status() == 200 && !isFinal(answer.body()) && Instant.now().isBefore(deadline)) {
                            throw new NotFinalYet();
                        }
                        return answer;
                    })
                    .onFailure(NotFinalYet.class).retry().indefinitely()
                    .await().indefinitely();
        } catch (RuntimeException e) {
            if (last.get() != null) {
                return last.get();
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof Unreachable u) {
                    throw u;
                }
            }
            throw e;
        }
    }

    private static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Unreachable) {
                return true;
            }
        }
        return false;
    }

    /** The request is still running and time is left. */
    private static final class NotFinalYet extends RuntimeException {
        NotFinalYet() {
            super(null, null, false, false);
        }
    }

    static boolean isFinal(JsonNode entry) {
        String status = entry.path("status").asText();
        return status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("REJECTED");
    }

    private static long waitSeconds(Instant deadline) {
        long left = Duration.between(Instant.now(), deadline).toSeconds();
        return Math.max(0, Math.min(MAX_WAIT_SECONDS, left));
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(MAX_WAIT_SECONDS + 30))
                .header("Accept", "application/json").header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unreachable("Ferry at " + base + " cannot be reached: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        try {
            return new Answer(response.statusCode(), response.body().isEmpty() ? mapper.createObjectNode() : mapper.readTree(response.body()));
        } catch (IOException e) {
            throw new Unreachable("Ferry at " + base + " answered " + response.statusCode() + " without JSON", e);
        }
    }
}
