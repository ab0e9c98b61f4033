package dev.ferry.migration;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.flywaydb.core.api.MigrationState;
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
    @Path("/{target}")
    @Operation(summary = "One target with its current version and script counts")
    @APIResponse(responseCode = "200", description = "The target")
    @APIResponse(responseCode = "404", description = "TARGET_NOT_FOUND (problem+json)")
    public TargetView one(@PathParam("target") String target) {
        if (targets.find(target).isEmpty()) {
            throw new FerryException(ErrorCode.TARGET_NOT_FOUND, "No target '" + target + "' is configured");
        }
        return view(target);
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
            // A baseline row counts as applied: a target adopted at version 170 has 170 versions behind it, not 0.
            return new TargetView(name, info.versionAfter(), appliedVersions(scripts),
                    count(scripts, s -> s == MigrationState.PENDING), count(scripts, MigrationState::isFailed), null);
        } catch (FerryException e) {
            return new TargetView(name, null, null, null, null, e.code().name() + ": " + e.getMessage());
        }
    }

    /** Versions the target holds: applied ones, and those a baseline stands for (below or at it), each once. */
    private static int appliedVersions(List<AppliedMigration> scripts) {
        return (int) scripts.stream().filter(m -> m.version() != null && inState(m, s -> s.isApplied() && !s.isFailed()
                || s == MigrationState.BELOW_BASELINE)).map(AppliedMigration::version).distinct().count();
    }

    private static int count(List<AppliedMigration> scripts, Predicate<MigrationState> state) {
        return (int) scripts.stream().filter(m -> inState(m, state)).count();
    }

    /** {@code info} lists Flyway states only; anything else (none) matches nothing. */
    private static boolean inState(AppliedMigration m, Predicate<MigrationState> state) {
        return Arrays.stream(MigrationState.values()).filter(s -> s.name().equals(m.state())).anyMatch(state);
    }
}
