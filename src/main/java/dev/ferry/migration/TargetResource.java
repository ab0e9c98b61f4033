package dev.ferry.migration;

import java.util.List;

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
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/** The configured targets and their migrations. Flyway is blocking JDBC, so these run on worker threads. */
@Path("/api/targets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
@SecurityRequirement(name = "bearer")
public class TargetResource {

    private final TargetRegistry targets;
    private final MigrationRunner runner;

    public TargetResource(TargetRegistry targets, MigrationRunner runner) {
        this.targets = targets;
        this.runner = runner;
    }

    @GET
    @Operation(summary = "Every configured target with its current version and script counts")
    public List<TargetView> list() {
        return targets.all().stream().map(t -> view(t.name())).toList();
    }

    @GET
    @Path("/{target}/migrations")
    @Operation(summary = "Every script of a target with its state (what migration:show shows)")
    @APIResponse(responseCode = "200", description = "Scripts in version order")
    @APIResponse(responseCode = "404", description = "TARGET_NOT_FOUND (problem+json)")
    @APIResponse(responseCode = "503", description = "TARGET_UNAVAILABLE (problem+json)")
    public List<AppliedMigration> migrations(@PathParam("target") String target) {
        if (targets.find(target).isEmpty()) {
            throw new FerryException(ErrorCode.TARGET_NOT_FOUND, "No target '" + target + "' is configured");
        }
        return runner.info(target).migrations();
    }

    private TargetView view(String name) {
        try {
            MigrationOutcome info = runner.info(name);
            List<AppliedMigration> scripts = info.migrations();
            return new TargetView(name, info.versionAfter(), count(scripts, "SUCCESS"), count(scripts, "PENDING"), count(scripts, "FAILED"),
                    null);
        } catch (FerryException e) {
            return new TargetView(name, null, null, null, null, e.getMessage());
        }
    }

    private static int count(List<AppliedMigration> scripts, String state) {
        return (int) scripts.stream().filter(s -> state.equals(s.state())).count();
    }
}
