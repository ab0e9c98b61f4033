package dev.ferry.backfill;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * {@code GET {admin}/admin/identities?credentials_identifier=<email>} over the Vert.x HTTP client
 * Quarkus already runs: keep-alive connections, Nagle off, no thread per lookup. (The JDK client
 * tops out near 2,000 lookups/s on two cores; this one is not what limits a backfill.)
 */
final class HttpKratosDirectory implements KratosDirectory {

    private final HttpClient client;
    private final String host;
    private final int port;
    private final String basePath;
    private final String token;
    private final Duration timeout;
    private final ObjectMapper mapper;

    HttpKratosDirectory(Vertx vertx, String baseUrl, String token, Duration timeout, int maxConnections, ObjectMapper mapper) {
        URI base = URI.create(baseUrl);
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(tls)
                .setTcpNoDelay(true)
                .setKeepAlive(true)
                .setConnectTimeout((int) timeout.toMillis()),
                new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.token = token;
        this.timeout = timeout;
        this.mapper = mapper;
    }

    @Override
    public CompletableFuture<List<KratosIdentity>> findByEmail(String email) {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(host)
                .setPort(port)
                .setURI(basePath + "/admin/identities?credentials_identifier=" + URLEncoder.encode(email, StandardCharsets.UTF_8))
                .setIdleTimeout(timeout.toMillis())
                .putHeader("Accept", "application/json");
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        CompletableFuture<List<KratosIdentity>> result = new CompletableFuture<>();
        client.request(request)
                .compose(outgoing -> outgoing.send().compose(response -> response.body().map(body -> identities(response, body))))
                .onComplete(done -> {
                    if (done.succeeded()) {
                        result.complete(done.result());
                    } else {
                        result.completeExceptionally(done.cause() instanceof KratosException k ? k : transportFailure(done.cause()));
                    }
                });
        return result;
    }

    private List<KratosIdentity> identities(HttpClientResponse response, Buffer body) {
        int status = response.statusCode();
        if (status == 429) {
            throw new KratosException("HTTP 429 Too Many Requests", true, retryAfter(response.getHeader("Retry-After")), false);
        }
        if (status >= 500) {
            throw new KratosException("HTTP " + status + errorMessage(body), true, null, false);
        }
        if (status != 200) {
            throw new KratosException("HTTP " + status + errorMessage(body), false, null, false);
        }
        JsonNode json;
        try {
            json = mapper.readTree(body.getBytes());
        } catch (IOException e) {
            throw new KratosException("Kratos answered malformed JSON: " + firstLine(e.getMessage()), true, null, false);
        }
        if (json == null || !json.isArray()) {
            throw new KratosException("Kratos answered JSON that is not an array of identities", true, null, false);
        }
        List<KratosIdentity> identities = new ArrayList<>();
        for (JsonNode identity : json) {
            String id = identity.path("id").asText(null);
            if (id == null || id.length() != 36) {
                throw new KratosException("Kratos answered an identity without a valid id", true, null, false);
            }
            identities.add(new KratosIdentity(id, identity.path("traits").path("email").asText(null),
                    identity.path("state").asText(null)));
        }
        return identities;
    }

    private static KratosException transportFailure(Throwable error) {
        // Netty's connect failures (refused, connect timeout) are ConnectExceptions.
        if (error instanceof ConnectException) {
            return new KratosException("Kratos unreachable: " + error.getClass().getSimpleName()
                    + (error.getMessage() == null ? "" : " " + error.getMessage()), true, null, true);
        }
        if (error instanceof TimeoutException) {
            return new KratosException("Kratos did not answer in time", true, null, false);
        }
        return new KratosException("Kratos request failed: " + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : " " + error.getMessage()), true, null, false);
    }

    private static Duration retryAfter(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Kratos errors carry {"error": {"code", "status", "reason", "message"}}. */
    private String errorMessage(Buffer body) {
        try {
            JsonNode error = mapper.readTree(body.getBytes()).path("error");
            String message = error.path("message").asText("");
            String reason = error.path("reason").asText("");
            String text = (message + (reason.isEmpty() ? "" : " (" + reason + ")")).trim();
            return text.isEmpty() ? "" : ": " + text;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    void close() {
        client.close();
    }
}
