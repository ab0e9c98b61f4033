package dev.ferry.migration;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * The configured targets, each with its own connection pool, opened lazily by the pool itself: the one way
 * to reach a target, and to hold its lock for work other than a migration.
 */
@ApplicationScoped
public class TargetRegistry {

    private final Map<String, TargetDatabase> targets = new TreeMap<>();

    public TargetRegistry(TargetsConfig config) {
        config.targets().forEach((name, target) -> targets.put(name, new TargetDatabase(name, target)));
    }

    public Optional<TargetDatabase> find(String name) {
        return Optional.ofNullable(name).map(targets::get);
    }

    /** The target of that name; {@code UNKNOWN_TARGET} naming the configured ones otherwise. */
    public TargetDatabase get(String name) {
        return find(name).orElseThrow(() -> new FerryException(ErrorCode.UNKNOWN_TARGET, "Unknown target '" + name + "'; configured: "
                + targets.keySet()));
    }

    /** Runs other work that changes a target (a backfill) under the same lock as migrations. */
    public <T> T withLock(String name, Function<TargetDatabase, T> work) {
        TargetDatabase target = get(name);
        try (TargetLock lock = TargetLock.acquire(target)) {
            return work.apply(target);
        }
    }

    public Collection<TargetDatabase> all() {
        return targets.values();
    }

    @PreDestroy
    void close() {
        targets.values().forEach(TargetDatabase::close);
    }
}
