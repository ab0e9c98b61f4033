package dev.ferry.drift;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import dev.ferry.Roles;

/** What the latest drift checks found, without checking again: the console's targets list shows it. */
@Path("/api/drift")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
@SecurityRequirement(name = "bearer")
public class DriftSummaryResource {

    private final DriftDetector detector;

    public DriftSummaryResource(DriftDetector detector) {
        this.detector = detector;
    }

    @GET
    @Operation(summary = "Each target's latest drift check on this instance (scheduled or asked for): objects that differ, and when")
    public List<DriftDetector.LastCheck> latest() {
        return detector.lastChecks();
    }
}
