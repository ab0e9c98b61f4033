package dev.ferry.request.rollout;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.smallrye.common.annotation.Blocking;

import dev.ferry.Roles;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/** Target groups, and rollouts over them: live progress, pause, resume, abort. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
@SecurityRequirement(name = "bearer")
@Blocking
public class RolloutResource {

    /** A group and the targets it covers, in the order a rollout takes them. */
    public record GroupView(String name, List<String> targets) {
    }

    private final TargetGroups groups;
    private final RolloutDriver driver;

    public RolloutResource(TargetGroups groups, RolloutDriver driver) {
        this.groups = groups;
        this.driver = driver;
    }

    @GET
    @Path("/groups")
    @Operation(summary = "The configured target groups (ferry.groups.<group>.targets), resolved")
    public List<GroupView> groups() {
        return groups.all().entrySet().stream().map(e -> new GroupView(e.getKey(), e.getValue())).toList();
    }

    @GET
    @Path("/rollouts/{id}")
    @Operation(summary = "A rollout's progress: its state, counts by state, and every target's wave, state, version and error")
    public RolloutReport rollout(@PathParam("id") String id) {
        return driver.report(id).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("/rollouts/{id}/events")
    @Operation(summary = "The rollout's events: its own request's stream (progress with the counts, then the combined result)")
    public Response events(@PathParam("id") String id) {
        driver.report(id).orElseThrow(() -> notFound(id));
        return Response.temporaryRedirect(URI.create("/api/requests/" + id + "/events")).build();
    }

    @POST
    @Path("/rollouts/{id}/pause")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Pause: targets already started finish, no new one starts")
    public RolloutReport pause(@PathParam("id") String id) {
        return driver.pause(id);
    }

    @POST
    @Path("/rollouts/{id}/resume")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Resume a paused rollout")
    public RolloutReport resume(@PathParam("id") String id) {
        return driver.resume(id);
    }

    @POST
    @Path("/rollouts/{id}/abort")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Abort: targets already started finish, the rest stay untouched; the combined result is FAILED / ROLLOUT_ABORTED")
    public RolloutReport abort(@PathParam("id") String id) {
        return driver.abort(id);
    }

    private static FerryException notFound(String id) {
        return new FerryException(ErrorCode.ROLLOUT_NOT_FOUND, "No rollout with id " + id, null, Map.of(), null);
    }
}
