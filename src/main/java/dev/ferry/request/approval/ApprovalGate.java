package dev.ferry.request.approval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import dev.ferry.drift.DriftDetector;
import dev.ferry.lint.LintFinding;
import dev.ferry.lint.LintRule;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.migration.PlannedScript;
import dev.ferry.migration.TargetDatabase;
import dev.ferry.migration.TargetRegistry;
import dev.ferry.problem.ErrorCode;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;

/**
 * A target's approval policy applied to one request: whether it must wait, why, and with which plan.
 * Checked at start, so a misspelt condition stops Ferry rather than letting changes through.
 */
@Startup
@ApplicationScoped
public class ApprovalGate {

    private static final Set<Action> GATED = EnumSet.of(Action.MIGRATE, Action.REVERT, Action.REPAIR, Action.BASELINE);
    /** A plan that failed for one of these still waits (that is what approval is for); any other failure is the run's to report. */
    private static final Set<ErrorCode> APPROVABLE = EnumSet.of(ErrorCode.LINT_BLOCKED, ErrorCode.TABLE_COPY_REQUIRED, ErrorCode.SCHEMA_DRIFT);

    private final TargetRegistry targets;
    private final DriftDetector drift;

    public ApprovalGate(TargetRegistry targets, DriftDetector drift) {
        this.targets = targets;
        this.drift = drift;
        targets.all().forEach(this::policy);
    }

    /** The conditions of a target's policy; empty when it has none (or the target is unknown). */
    public Set<ApprovalCondition> policy(String target) {
        return targets.find(target).map(this::policy).orElse(Set.of());
    }

    private Set<ApprovalCondition> policy(TargetDatabase target) {
        Set<ApprovalCondition> policy = EnumSet.noneOf(ApprovalCondition.class);
        for (String name : target.config().approval().requiredFor().orElse(List.of())) {
            if (name.isBlank()) {
                continue;
            }
            policy.add(ApprovalCondition.fromWire(name).orElseThrow(() -> new IllegalStateException("ferry.targets." + target.name()
                    + ".approval.required-for: unknown condition '" + name.trim() + "'; expected some of "
                    + EnumSet.allOf(ApprovalCondition.class).stream().map(ApprovalCondition::wire).toList())));
        }
        return policy;
    }

    /** Whether the request waits whatever its plan says (so nothing of it can have run before it was parked). */
    public boolean waitsWhateverThePlan(MigrationRequest request, Action action) {
        return !requestReasons(request, action, policy(request.target())).isEmpty();
    }

    /**
     * Whether the request must wait for an approver, and with what: null when it may run now.
     * {@code planner} runs the request as a dry run; it is called only when the policy needs a plan.
     */
    public Optional<ApprovalState> mustWait(MigrationRequest request, Action action, Function<MigrationRequest, MigrationOutcome> planner) {
        Set<ApprovalCondition> policy = policy(request.target());
        if (policy.isEmpty() || request.isDryRun() || !GATED.contains(action)) {
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>(requestReasons(request, action, policy));
        if (reasons.isEmpty() && policy.stream().noneMatch(ApprovalCondition::needsPlan)) {
            return Optional.empty();
        }
        MigrationOutcome plan = planner.apply(dryRunOf(request));
        if (plan.failure() != null && !APPROVABLE.contains(plan.failure().code())) {
            return Optional.empty(); // the run itself will refuse it, with the same words
        }
        List<LintFinding> lint = plan.lint() == null ? List.of() : plan.lint();
        if (policy.contains(ApprovalCondition.BLOCKING_LINT)) {
            List<String> blocking = lint.stream().filter(f -> f.blocks() && !f.rule().equals(LintRule.TABLE_COPY.id())).map(LintFinding::rule)
                    .distinct().toList();
            if (!blocking.isEmpty()) {
                reasons.add(ApprovalCondition.BLOCKING_LINT.wire() + ": " + String.join(", ", blocking));
            }
        }
        if (policy.contains(ApprovalCondition.TABLE_COPY) && lint.stream().anyMatch(f -> f.rule().equals(LintRule.TABLE_COPY.id()))) {
            reasons.add(ApprovalCondition.TABLE_COPY.wire() + ": the plan copies a large table");
        }
        if (policy.contains(ApprovalCondition.DRIFT) && !drift.check(request.target()).clean()) {
            reasons.add(ApprovalCondition.DRIFT.wire() + ": the live schema differs from the history");
        }
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        Instant expires = now.plus(targets.get(request.target()).config().approval().expireAfter());
        return Optional.of(new ApprovalState(List.copyOf(reasons), request.requestedBy(), fingerprint(plan), plan.versionBefore(),
                plan.plan(), lint, now, expires, null, null, null, null, null));
    }

    /** The request as a dry run: what it would do, changing nothing. */
    public static MigrationRequest dryRunOf(MigrationRequest r) {
        return new MigrationRequest(r.requestId(), r.action(), r.target(), r.toVersion(), r.steps(), true, r.force(), r.options(),
                r.requestedBy(), r.reason());
    }

    /** What an approval is bound to: the version the plan starts from and every script it would run, as written. */
    public static String fingerprint(MigrationOutcome plan) {
        StringBuilder text = new StringBuilder(String.valueOf(plan.versionBefore()));
        for (PlannedScript script : plan.plan() == null ? List.<PlannedScript> of() : plan.plan()) {
            text.append('\0').append(script.script()).append('\0').append(script.sql());
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> requestReasons(MigrationRequest request, Action action, Set<ApprovalCondition> policy) {
        if (request.isDryRun() || !GATED.contains(action)) {
            return List.of();
        }
        List<String> reasons = new ArrayList<>();
        if (policy.contains(ApprovalCondition.CHANGE) && (action == Action.MIGRATE || action == Action.REVERT)) {
            reasons.add(ApprovalCondition.CHANGE.wire() + ": every migrate and revert on this target");
        }
        if (policy.contains(ApprovalCondition.FORCE) && request.isForced()) {
            reasons.add(ApprovalCondition.FORCE.wire() + ": the request is forced");
        }
        if (policy.contains(ApprovalCondition.REPAIR) && action == Action.REPAIR) {
            reasons.add(ApprovalCondition.REPAIR.wire() + ": it rewrites the history");
        }
        if (policy.contains(ApprovalCondition.BASELINE) && action == Action.BASELINE) {
            reasons.add(ApprovalCondition.BASELINE.wire() + ": it marks versions applied without running them");
        }
        return reasons;
    }
}
