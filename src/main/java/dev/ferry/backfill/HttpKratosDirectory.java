package dev.ferry.backfill;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code GET {admin}/admin/identities?credentials_identifier=<email>} over the JDK HTTP client. */
final class HttpKratosDirectory implements KratosDirectory {

    private final HttpClient client;
    private final String baseUrl;
    private final String token;
    private final Duration timeout;
    private final ObjectMapper mapper;

    HttpKratosDirectory(String baseUrl, String token, Duration timeout, ObjectMapper mapper, Executor executor) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .executor(executor)
                .build();
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.timeout = timeout;
        this.mapper = mapper;
    }

    @Override
    public CompletableFuture<List<KratosIdentity>> findByEmail(String email) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/admin/identities?credentials_identifier="
                + URLEncoder.encode(email, StandardCharsets.UTF_8)))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error != null) {
                        throw transportFailure(error instanceof CompletionException ? error.getCause() : error);
                    }
                    return identities(response);
                });
    }

    private List<KratosIdentity> identities(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 429) {
            throw new KratosException("HTTP 429 Too Many Requests", true, retryAfter(response), false);
        }
        if (status >= 500) {
            throw new KratosException("HTTP " + status + errorMessage(response.body()), true, null, false);
        }
        if (status != 200) {
            throw new KratosException("HTTP " + status + errorMessage(response.body()), false, null, false);
        }
        JsonNode body;
        try {
            body = mapper.readTree(response.body());
        } catch (IOException e) {
            throw new KratosException("Kratos answered malformed JSON: " + firstLine(e.getMessage()), true, null, false);
        }
        if (body == null || !body.isArray()) {
            throw new KratosException("Kratos answered JSON that is not an array of identities", true, null, false);
        }
        List<KratosIdentity> identities = new ArrayList<>();
        for (JsonNode identity : body) {
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
        if (error instanceof HttpConnectTimeoutException || error instanceof ConnectException) {
            return new KratosException("Kratos unreachable: " + error.getClass().getSimpleName()
                    + (error.getMessage() == null ? "" : " " + error.getMessage()), true, null, true);
        }
        if (error instanceof HttpTimeoutException) {
            return new KratosException("Kratos did not answer in time", true, null, false);
        }
        return new KratosException("Kratos request failed: " + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : " " + error.getMessage()), true, null, false);
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Duration.ofSeconds(Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
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
}
