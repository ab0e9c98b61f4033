package dev.ferry.audit;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import dev.ferry.Roles;
import dev.ferry.backfill.KratosClient;
import dev.ferry.backfill.KratosIdentity;

/**
 * What Kratos holds now for an audit row's email, asked live: the manual investigation the seed's
 * follow-up describes, without the Kratos admin API's credentials. Operators only (it shows the email).
 */
@Path("/api/audit/user-authid/{id}/kratos")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
@SecurityRequirement(name = "bearer")
public class KratosLookupResource {

    /** The identities found for the email (none, one, or the duplicates), or why Kratos could not be asked. */
    @RegisterForReflection
    public record KratosLookup(long auditId, String email, List<KratosIdentity> identities, String error) {
    }

    private final AuditRepository audit;
    private final KratosClient kratos;

    public KratosLookupResource(AuditRepository audit, KratosClient kratos) {
        this.audit = audit;
        this.kratos = kratos;
    }

    @GET
    @Operation(summary = "Look the row's email up in Kratos now", description = "The same lookup, retries and rate limit as the backfill."
            + " Changes nothing.")
    @APIResponse(responseCode = "200", description = "The identities Kratos has for the email, or the lookup's error")
    @APIResponse(responseCode = "404", description = "AUDIT_NOT_FOUND (problem+json)")
    public Uni<KratosLookup> lookup(@PathParam("id") long id) {
        return audit.existing(id).flatMap(row -> Uni.createFrom().completionStage(kratos.lookup(row.email()))
                        .map(found -> new KratosLookup(id, row.email(), found.identities(), found.error())));
    }
}
