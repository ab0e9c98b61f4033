package dev.ferry.backfill;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/** {@code options} of a backfill request: {@code job}, {@code batchSize}, {@code concurrency}, {@code dryRun}, {@code userIds}. */
public record BackfillOptions(int batchSize, OptionalInt concurrency, boolean dryRun, List<String> userIds) {

    public static final int DEFAULT_BATCH_SIZE = 500;
    public static final int MAX_CONCURRENCY = 256;

    public static BackfillOptions from(Map<String, Object> options, boolean requestDryRun) {
        Map<String, Object> o = options == null ? Map.of() : options;
        Object job = o.get("job");
        if (!UserAuthIdBackfill.JOB.equals(job)) {
            throw invalid("options.job must be \"" + UserAuthIdBackfill.JOB + "\"" + (job == null ? "" : ", not \"" + job + "\""));
        }
        int batchSize = integer(o, "batchSize", DEFAULT_BATCH_SIZE, 1, 10_000);
        OptionalInt concurrency = o.containsKey("concurrency") ? OptionalInt.of(integer(o, "concurrency", 0, 1, MAX_CONCURRENCY)) : OptionalInt.empty();
        Object dry = o.getOrDefault("dryRun", false);
        if (!(dry instanceof Boolean)) {
            throw invalid("options.dryRun must be true or false");
        }
        List<String> userIds = new ArrayList<>();
        Object ids = o.get("userIds");
        if (ids != null) {
            if (!(ids instanceof List<?> list) || list.size() > 1_000 || !list.stream().allMatch(id -> id instanceof String s
                    && s.matches("[0-9a-fA-F-]{36}"))) {
                throw invalid("options.userIds must be a list of at most 1000 user ids (36-character UUIDs)");
            }
            list.forEach(id -> userIds.add((String) id));
        }
        return new BackfillOptions(batchSize, concurrency, requestDryRun || (Boolean) dry, List.copyOf(userIds));
    }

    private static int integer(Map<String, Object> o, String name, int fallback, int min, int max) {
        Object value = o.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Integer i) || i < min || i > max) {
            throw invalid("options." + name + " must be a whole number from " + min + " to " + max);
        }
        return i;
    }

    private static FerryException invalid(String message) {
        return new FerryException(ErrorCode.INVALID_REQUEST, message);
    }
}
