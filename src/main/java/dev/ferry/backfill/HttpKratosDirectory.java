package dev.ferry.backfill;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.timeout.TimeoutException;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

/**
 * {@code GET {admin}/admin/identities?credentials_identifier=<email>} through the Quarkus REST Client
 * (Vert.x underneath: keep-alive connections, Nagle off, no thread per lookup), with a pool as large as
 * the largest backfill concurrency.
 */
final class HttpKratosDirectory implements KratosDirectory {

    private final KratosAdminApi api;
    private final String authorization;
    private final ObjectMapper mapper;

    HttpKratosDirectory(String baseUrl, String token, Duration timeout, int maxConnections, ObjectMapper mapper) {
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl))
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE, maxConnections)
                .property(QuarkusRestClientProperties.KEEP_ALIVE_ENABLED, true)
                // Every status comes back as a Response: which ones are worth a retry is decided below.
                .disableDefaultMapper(true)
                .build(KratosAdminApi.class);
        this.authorization = token == null ? null : "Bearer " + token;
        this.mapper = mapper;
    }

    @Override
    public CompletableFuture<List<KratosIdentity>> findByEmail(String email) {
        return api.byCredentialsIdentifier(email, authorization)
                .map(this::identities)
                .onFailure(f -> !(f instanceof KratosException)).transform(HttpKratosDirectory::transportFailure)
                .subscribeAsCompletionStage();
    }

    private List<KratosIdentity> identities(Response response) {
        try (response) {
            int status = response.getStatus();
            byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
            if (status == 429) {
                throw new KratosException("HTTP 429 Too Many Requests", true, retryAfter(response.getHeaderString("Retry-After")), false);
            }
            if (status >= 500) {
                throw new KratosException("HTTP " + status + errorMessage(body), true, null, false);
            }
            if (status != 200) {
                throw new KratosException("HTTP " + status + errorMessage(body), false, null, false);
            }
            JsonNode json;
            try {
                json = mapper.readTree(body);
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
    }

    private static KratosException transportFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Netty's connect failures (refused, connect timeout) are ConnectExceptions.
            if (t instanceof ConnectException) {
                return new KratosException("Kratos unreachable: " + t.getClass().getSimpleName()
                        + (t.getMessage() == null ? "" : " " + t.getMessage()), true, null, true);
            }
            if (t instanceof TimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return new KratosException("Kratos did not answer in time", true, null, false);
            }
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
    private String errorMessage(byte[] body) {
        try {
            JsonNode error = mapper.readTree(body).path("error");
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
        try {
            ((AutoCloseable) api).close();
        } catch (Exception e) {
            // Closing at shutdown: nothing left to do about it.
        }
    }
}
