package dev.ferry.request.rollout;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;
import dev.ferry.request.RequestRunner;
import dev.ferry.request.action.ActionHandler;
import dev.ferry.request.action.ActionResult;
import dev.ferry.request.action.ProgressReporter;

/**
 * {@code rollout}: records the rollout and its targets in their waves, then leaves it to
 * {@link RolloutDriver}, which publishes the combined result when the last target is done. Its record
 * is acknowledged at once, so the partition does not wait for a whole fleet.
 */
@ApplicationScoped
public class RolloutHandler implements ActionHandler {

    private final TargetGroups groups;
    private final RolloutStore store;
    private final RequestRunner runner;
    private final ObjectMapper mapper;

    public RolloutHandler(TargetGroups groups, RolloutStore store, RequestRunner runner, ObjectMapper mapper) {
        this.groups = groups;
        this.store = store;
        this.runner = runner;
        this.mapper = mapper;
    }

    @Override
    public Action action() {
        return Action.ROLLOUT;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        RolloutOptions options = RolloutOptions.of(request.options());
        if (request.isDryRun()) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "A rollout has no dry run: send a dry run to one target of the group");
        }
        if (options.change().equals("revert") && request.toVersion() == null) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "A rollout of revert needs toVersion: the version every target goes back to");
        }
        List<String> targets = groups.targets(request.target()).orElseThrow();
        int longest = targets.stream().mapToInt(String::length).max().orElse(0);
        if (RolloutDriver.childId(request.requestId(), "").length() + longest > 128) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "The rollout's requestId is too long for its children's ids ("
                    + "<requestId>" + RolloutDriver.CHILD_SEPARATOR + "<target>, at most 128 characters)");
        }
        store.create(new RolloutStore.Rollout(request.requestId(), request.target(), options.change(), request.toVersion(), json(options),
                request.requestedBy(), RolloutStore.State.RUNNING, null, runner.instance(), null, Instant.now(), null), targets,
                options.wavesOf(targets.size()));
        return ActionResult.CONTINUES;
    }

    private String json(RolloutOptions options) {
        try {
            return mapper.writeValueAsString(options.asMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
