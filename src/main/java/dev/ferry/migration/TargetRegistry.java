package dev.ferry.migration;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/** The configured targets, each with its own connection pool, opened lazily by the pool itself. */
@ApplicationScoped
public class TargetRegistry {

    private final Map<String, TargetDatabase> targets = new TreeMap<>();

    public TargetRegistry(TargetsConfig config) {
        config.targets().forEach((name, target) -> targets.put(name, new TargetDatabase(name, target)));
    }

    public Optional<TargetDatabase> find(String name) {
        return Optional.ofNullable(name).map(targets::get);
    }

    public Collection<TargetDatabase> all() {
        return targets.values();
    }

    @PreDestroy
    void close() {
        targets.values().forEach(TargetDatabase::close);
    }
}
