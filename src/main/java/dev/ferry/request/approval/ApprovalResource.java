package dev.ferry.request.approval;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;

import dev.ferry.Roles;
import dev.ferry.request.RequestView;

/** Deciding a request that waits for approval: role {@code approver}, never the identity that requested it. */
@Path("/api/requests/{requestId}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.APPROVER)
@SecurityRequirement(name = "bearer")
@Blocking
public class ApprovalResource {

    /** The body of a decision: why (required to deny). */
    public record Decision(String reason) {
    }

    private final Approvals approvals;
    private final SecurityIdentity caller;

    public ApprovalResource(Approvals approvals, SecurityIdentity caller) {
        this.approvals = approvals;
        this.caller = caller;
    }

    @POST
    @Path("/approve")
    @Operation(summary = "Approve a waiting request: it runs now, if its plan is still the one approved (else it waits again)")
    public RequestView approve(@PathParam("requestId") String requestId, Decision decision) {
        return RequestView.of(approvals.approve(requestId, caller.getPrincipal().getName(), decision == null ? null : decision.reason()), true);
    }

    @POST
    @Path("/deny")
    @Operation(summary = "Deny a waiting request, with a reason: it ends REJECTED / DENIED")
    public RequestView deny(@PathParam("requestId") String requestId, Decision decision) {
        return RequestView.of(approvals.deny(requestId, caller.getPrincipal().getName(), decision == null ? null : decision.reason()), true);
    }
}
