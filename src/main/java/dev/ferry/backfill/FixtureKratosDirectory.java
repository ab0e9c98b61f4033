package dev.ferry.backfill;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.Locations;

/**
 * Kratos fixture mode: identities from a JSON file in the admin API's format, matched on email
 * case-insensitively as Kratos does. Lets dev mode and sandbox validation run without a Kratos.
 */
final class FixtureKratosDirectory implements KratosDirectory {

    private final Map<String, List<KratosIdentity>> byEmail = new HashMap<>();

    FixtureKratosDirectory(String location, ObjectMapper mapper) {
        try (InputStream in = Locations.open(location)) {
            for (JsonNode identity : mapper.readTree(in)) {
                String email = identity.path("traits").path("email").asText(null);
                if (email != null) {
                    byEmail.computeIfAbsent(email.toLowerCase(Locale.ROOT), e -> new ArrayList<>())
                            .add(new KratosIdentity(identity.path("id").asText(), email, identity.path("state").asText(null)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the Kratos fixture " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<List<KratosIdentity>> findByEmail(String email) {
        return CompletableFuture.completedFuture(byEmail.getOrDefault(email.toLowerCase(Locale.ROOT), List.of()));
    }

}
