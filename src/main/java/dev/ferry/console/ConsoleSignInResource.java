package dev.ferry.console;

import java.util.regex.Pattern;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The end of the console's sign-in with the organisation's OpenID Connect provider. The HTTP layer
 * sends an unauthenticated browser through the authorization code flow first
 * ({@code quarkus.http.auth.permission.console-sign-in}); this page hands the access token the
 * provider issued to the console, which calls the API with it like any other client. The API, not the
 * page, decides what the person may see and do.
 */
@Path("/console/sign-in")
@PermitAll
public class ConsoleSignInResource {

    /** A JWT: three base64url parts. Anything else never reaches the page's script. */
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private final SecurityIdentity identity;

    public ConsoleSignInResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response signIn() {
        AccessTokenCredential token = identity.isAnonymous() ? null : identity.getCredential(AccessTokenCredential.class);
        if (token == null || !JWT.matcher(token.getToken()).matches()) {
            return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.TEXT_HTML)
                    .entity(page("Sign-in unavailable", "<p>No OpenID Connect provider is configured for the console"
                            + " (FERRY_CONSOLE_OIDC_URL). In dev mode, open the console link Ferry printed at start"
                            + " (also CONSOLE_URL in target/ferry-dev/tokens.env).</p>"))
                    .build();
        }
        String script = "<script>sessionStorage.setItem('ferry.token','" + token.getToken() + "');location.replace('/console/');</script>";
        return Response.ok(page("Signing in", script)).header("Cache-Control", "no-store").build();
    }

    /** The page around a message or the hand-over script; titles are constants, never input. */
    private static String page(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ferry · " + title
                + "</title><link rel=\"stylesheet\" href=\"/console/console.css\"></head><body><main><h1>" + title + "</h1>" + body
                + "</main></body></html>";
    }
}
