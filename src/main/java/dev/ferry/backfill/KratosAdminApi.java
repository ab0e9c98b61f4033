package dev.ferry.backfill;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/** The one call the backfill makes to the Kratos admin API (a Quarkus REST Client, built per base URL by {@link HttpKratosDirectory}). */
@Path("/admin/identities")
public interface KratosAdminApi {

    /** Identities whose credentials include {@code email}; every status is answered as a Response, judged by the caller. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> byCredentialsIdentifier(@QueryParam("credentials_identifier") String email,
            @HeaderParam("Authorization") String authorization);
}
