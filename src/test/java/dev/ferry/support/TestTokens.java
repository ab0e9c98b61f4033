package dev.ferry.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.ferry.embedded.DevTokens;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.specification.RequestSpecification;

/** Bearer tokens signed with the test key pair that the application under test trusts. */
public final class TestTokens {

    private TestTokens() {
    }

    public static String operator() {
        return keys().token("test-operator", List.of("operator", "viewer"), Duration.ofHours(1));
    }

    /** Another person than test-operator, who may approve what test-operator asked for. */
    public static String approver() {
        return keys().token("test-approver", List.of("approver", "viewer"), Duration.ofHours(1));
    }

    public static String viewer() {
        return keys().token("test-viewer", List.of("viewer"), Duration.ofHours(1));
    }

    public static String withRoles(String user, List<String> roles, Duration validFor) {
        return keys().token(user, roles, validFor);
    }

    /** A token minted for {@code audience} (null: no {@code aud} claim); negative {@code validFor} gives an expired one. */
    public static String withRoles(String user, List<String> roles, Duration validFor, String audience) {
        return keys().token(user, roles, validFor, audience);
    }

    /** The public key that verifies these tokens, Base64 (the body of a PEM file). */
    public static String publicKey() {
        return keys().publicKey();
    }

    /** RestAssured requests carrying an operator token. */
    public static RequestSpecification asOperator() {
        return new RequestSpecBuilder().addHeader("Authorization", "Bearer " + operator()).build();
    }

    private static DevTokens keys() {
        return DevTokens.in(Path.of("target/ferry-test").toAbsolutePath());
    }
}
