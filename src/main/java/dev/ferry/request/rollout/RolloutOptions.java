package dev.ferry.request.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * How a rollout goes, from the request's {@code options}: the change on each target ({@code migrate} or
 * {@code revert}), the canary wave's size, the waves as cumulative percentages of the other targets,
 * how many targets change at a time, and how many failures it tolerates before it halts.
 *
 * @param failureBudget failures tolerated: a count, or a percentage of the targets when {@code percent}
 */
public record RolloutOptions(String change, int canary, List<Integer> waves, int maxParallel, int failureBudget, boolean percent) {

    public static final RolloutOptions DEFAULTS = new RolloutOptions("migrate", 1, List.of(10, 50, 100), 8, 0, false);

    /** Reads the options, refusing anything out of range with INVALID_REQUEST naming the field. */
    public static RolloutOptions of(Map<String, Object> options) {
        Map<String, Object> o = options == null ? Map.of() : options;
        String change = o.getOrDefault("change", DEFAULTS.change()).toString();
        if (!change.equals("migrate") && !change.equals("revert")) {
            throw invalid("options.change must be migrate or revert");
        }
        int canary = integer(o, "canary", DEFAULTS.canary(), 0, 1000);
        List<Integer> waves = new ArrayList<>();
        Object asked = o.get("waves");
        if (asked == null) {
            waves.addAll(DEFAULTS.waves());
        } else if (asked instanceof List<?> list && !list.isEmpty()) {
            int last = 0;
            for (Object w : list) {
                if (!(w instanceof Number n) || n.intValue() <= last || n.intValue() > 100 || n.doubleValue() != n.intValue()) {
                    throw invalid("options.waves must be rising whole percentages up to 100, such as [10, 50, 100]");
                }
                last = n.intValue();
                waves.add(last);
            }
            if (last != 100) {
                throw invalid("options.waves must end at 100, so that every target is covered");
            }
        } else {
            throw invalid("options.waves must be a list of percentages such as [10, 50, 100]");
        }
        int maxParallel = integer(o, "maxParallel", DEFAULTS.maxParallel(), 1, 256);
        Object budget = o.getOrDefault("failureBudget", 0);
        int failureBudget;
        boolean percent = false;
        if (budget instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 0) {
            failureBudget = n.intValue();
        } else if (budget instanceof String s && s.trim().matches("\\d{1,3}%")) {
            failureBudget = Integer.parseInt(s.trim().replace("%", ""));
            percent = true;
            if (failureBudget > 100) {
                throw invalid("options.failureBudget as a percentage is at most 100%");
            }
        } else if (budget instanceof String s && s.trim().matches("\\d{1,6}")) {
            failureBudget = Integer.parseInt(s.trim());
        } else {
            throw invalid("options.failureBudget must be a count (2) or a percentage (\"10%\")");
        }
        return new RolloutOptions(change, canary, List.copyOf(waves), maxParallel, failureBudget, percent);
    }

    /** How many failed targets of {@code targets} the rollout tolerates; one more halts it. */
    public int toleratedFailures(int targets) {
        return percent ? targets * failureBudget / 100 : failureBudget;
    }

    /** The wave of each target, in order: the canary wave first (0), then one per percentage. */
    public List<Integer> wavesOf(int targets) {
        List<Integer> assigned = new ArrayList<>();
        int canaries = Math.min(canary, targets);
        for (int i = 0; i < canaries; i++) {
            assigned.add(0);
        }
        int rest = targets - canaries;
        int wave = 1;
        for (int i = 0; i < rest; i++) {
            // Target i+1 of the rest goes in the first wave whose cumulative share reaches it.
            while (wave <= waves.size() && (long) (i + 1) * 100 > (long) waves.get(wave - 1) * rest) {
                wave++;
            }
            assigned.add(wave);
        }
        return assigned;
    }

    public Map<String, Object> asMap() {
        return Map.of("change", change, "canary", canary, "waves", waves, "maxParallel", maxParallel, "failureBudget",
                percent ? failureBudget + "%" : failureBudget);
    }

    private static int integer(Map<String, Object> o, String name, int fallback, int min, int max) {
        Object value = o.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < min || n.intValue() > max) {
            throw invalid("options." + name + " must be a whole number from " + min + " to " + max);
        }
        return n.intValue();
    }

    private static FerryException invalid(String message) {
        return new FerryException(ErrorCode.INVALID_REQUEST, message);
    }
}
