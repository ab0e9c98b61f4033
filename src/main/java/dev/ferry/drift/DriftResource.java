package dev.ferry.drift;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import dev.ferry.Roles;
import dev.ferry.migration.TargetRegistry;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/** A target's schema drift, checked now. Blocking JDBC and a sandbox build, so it runs on a worker thread. */
@Path("/api/targets/{target}/drift")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
@SecurityRequirement(name = "bearer")
public class DriftResource {

    private final TargetRegistry targets;
    private final DriftDetector detector;

    public DriftResource(TargetRegistry targets, DriftDetector detector) {
        this.targets = targets;
        this.detector = detector;
    }

    @GET
    @Operation(summary = "Every difference between the live schema and what the target's applied scripts produce")
    @APIResponse(responseCode = "200", description = "The drift report (clean: true when there is none)")
    @APIResponse(responseCode = "404", description = "TARGET_NOT_FOUND (problem+json)")
    public DriftReport drift(@PathParam("target") String target) {
        if (targets.find(target).isEmpty()) {
            throw new FerryException(ErrorCode.TARGET_NOT_FOUND, "No target '" + target + "' is configured");
        }
        return detector.check(target);
    }
}
