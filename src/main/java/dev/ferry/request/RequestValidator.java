package dev.ferry.request;

import java.util.function.Predicate;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.ferry.migration.TargetRegistry;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.request.rollout.TargetGroups;

/** The contract's rules for a request, shared by the consumer (REJECTED results) and the REST API (400s). */
@ApplicationScoped
public class RequestValidator {

    /** At least one letter or digit: ids name artifact folders, and "." or ".." must not. */
    private static final Pattern REQUEST_ID = Pattern.compile("(?=.*[A-Za-z0-9])[A-Za-z0-9._:-]{1,128}");
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");

    private final Predicate<String> knownTarget;
    private final Predicate<String> knownGroup;

    @Inject
    public RequestValidator(TargetRegistry targets, TargetGroups groups) {
        this(name -> targets.find(name).isPresent(), name -> groups.targets(name).isPresent());
    }

    RequestValidator(Predicate<String> knownTarget) {
        this(knownTarget, name -> false);
    }

    RequestValidator(Predicate<String> knownTarget, Predicate<String> knownGroup) {
        this.knownTarget = knownTarget;
        this.knownGroup = knownGroup;
    }

    public static final String REQUEST_ID_FORMAT = "1-128 characters of [A-Za-z0-9._:-], at least one of them a letter or digit";
    public static final String REQUEST_ID_RULE = "requestId is required: " + REQUEST_ID_FORMAT;

    public static boolean isValidRequestId(String requestId) {
        return requestId != null && REQUEST_ID.matcher(requestId).matches();
    }

    /** Checks everything but the request id; returns the parsed action. */
    public Action validate(MigrationRequest request) {
        if (!isValidRequestId(request.requestId())) {
            throw invalid(REQUEST_ID_RULE);
        }
        if (request.action() == null) {
            throw invalid("action is required: one of " + ACTIONS);
        }
        Action action = Action.fromWire(request.action()).orElseThrow(() -> invalid("Unknown action '" + request.action()
                + "'; expected one of " + ACTIONS));
        if (request.target() == null || request.target().isBlank()) {
            throw invalid("target is required");
        }
        if (action == Action.ROLLOUT) {
            if (!knownGroup.test(request.target())) {
                throw new FerryException(ErrorCode.UNKNOWN_GROUP, "Unknown target group '" + request.target() + "': a rollout's target"
                        + " is a group (ferry.groups.<group>.targets)");
            }
        } else if (!knownTarget.test(request.target())) {
            throw new FerryException(ErrorCode.UNKNOWN_TARGET, "Unknown target '" + request.target() + "'");
        }
        if (request.toVersion() != null && !VERSION.matcher(request.toVersion()).matches()) {
            throw invalid("toVersion must be a version such as 4 or 4.1, not '" + request.toVersion() + "'");
        }
        if (request.steps() != null && request.steps() < 1) {
            throw invalid("steps must be 1 or more");
        }
        if (action == Action.REPAIR && (request.reason() == null || request.reason().isBlank())) {
            throw invalid("repair requires a reason: it rewrites the target's history");
        }
        if (request.options() != null && Boolean.TRUE.equals(request.options().get("recordOnly"))
                && (action != Action.MIGRATE || !request.isForced() || request.reason() == null || request.reason().isBlank())) {
            throw invalid("options.recordOnly records scripts as applied without running them: only for migrate, with force: true and"
                    + " a reason");
        }
        if (action.decides() && !(request.options() != null && request.options().get("request") instanceof String decided
                && !decided.isBlank())) {
            throw invalid(action.wireName() + " needs options.request: the id of the request that waits for approval");
        }
        if (action == Action.DENY && (request.reason() == null || request.reason().isBlank())) {
            throw invalid("deny requires a reason");
        }
        if (request.steps() != null && request.toVersion() != null && action == Action.REVERT) {
            throw invalid("revert takes either steps or toVersion, not both");
        }
        return action;
    }

    private static final String ACTIONS = java.util.Arrays.stream(Action.values()).map(Action::wireName)
            .collect(java.util.stream.Collectors.joining(", "));

    private static FerryException invalid(String message) {
        return new FerryException(ErrorCode.INVALID_REQUEST, message);
    }
}
