package dev.ferry.identity;

import java.util.List;
import java.util.stream.Stream;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import dev.ferry.Roles;

/** Who the token says the caller is, and which of Ferry's roles it holds: the console shows only what those roles may do. */
@Path("/api/me")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.VIEWER, Roles.OPERATOR, Roles.APPROVER })
@SecurityRequirement(name = "bearer")
public class CallerResource {

    @RegisterForReflection
    public record Caller(String name, List<String> roles) {
    }

    private final SecurityIdentity caller;

    public CallerResource(SecurityIdentity caller) {
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The caller's name and Ferry roles (viewer, operator, approver), after any roles mapping")
    public Caller me() {
        return new Caller(caller.getPrincipal().getName(),
                Stream.of(Roles.VIEWER, Roles.OPERATOR, Roles.APPROVER).filter(caller::hasRole).toList());
    }
}
