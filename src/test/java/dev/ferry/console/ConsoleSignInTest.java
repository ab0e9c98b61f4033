package dev.ferry.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import java.net.URL;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.BrowserTests;
import dev.ferry.support.Tags;
import dev.ferry.support.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * The console's production sign-in: the authorization code flow against an OpenID Connect provider
 * (a WireMock-backed one, no Docker), whose access token the API then accepts. Its user alice is in
 * the provider's groups user and admin, mapped to Ferry's viewer and operator as an organisation would.
 */
@QuarkusTest
@TestProfile(ConsoleSignInTest.OrganisationSignIn.class)
@Tag(Tags.QUARKUS)
@Tag(Tags.BROWSER)
class ConsoleSignInTest {

    /** The provider's issuer and keys verify API tokens; its groups map onto Ferry's roles. */
    public static class OrganisationSignIn implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("ferry.console.oidc-enabled", "true"),
                    Map.entry("quarkus.oidc.auth-server-url", "${keycloak.url}/realms/quarkus/"),
                    Map.entry("quarkus.oidc.client-id", "ferry-console"),
                    Map.entry("quarkus.oidc.credentials.secret", "secret"),
                    // SmallRye JWT's word for "no inline key": the test resource's dev key gives way to the provider's keys.
                    Map.entry("mp.jwt.verify.publickey", "NONE"),
                    Map.entry("mp.jwt.verify.publickey.location", "${keycloak.url}/realms/quarkus/protocol/openid-connect/certs"),
                    Map.entry("mp.jwt.verify.issuer", "https://server.example.com"),
                    Map.entry("mp.jwt.verify.audiences", "https://server.example.com"),
                    Map.entry("quarkus.http.auth.roles-mapping.\"admin\"", "operator"),
                    Map.entry("quarkus.http.auth.roles-mapping.\"user\"", "viewer"));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcWiremockTestResource.class));
        }
    }

    @TestHTTPResource("/")
    URL ferry;

    @Test
    void signInSendsTheBrowserToTheProviderButTheApiStaysBearerOnly() {
        given().redirects().follow(false).get("/console/sign-in").then().statusCode(302)
                .header("Location", startsWith("http://localhost")).header("Location", containsString("/auth/realms/quarkus"));
        // Without a token the API answers 401 problem+json, never a redirect to a sign-in page.
        given().redirects().follow(false).get("/api/requests").then().statusCode(401)
                .contentType("application/problem+json").body("code", org.hamcrest.Matchers.equalTo("UNAUTHENTICATED"));
        // The console page runs only its own script and cannot be framed.
        given().get("/console/").then().statusCode(200).header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
        // A token Ferry's dev key signed is not the provider's: refused.
        given().auth().oauth2(TestTokens.operator()).get("/api/me").then().statusCode(401);
    }

    @Test
    void aPersonSignsInWithTheOrganisationInChromiumAndActsWithTheirRoles() throws Exception {
        BrowserTests.run("console-sign-in.test.mjs", Map.of("FERRY_URL", ferry.toString().replaceAll("/$", "")));
    }
}
