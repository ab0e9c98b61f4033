package dev.ferry.request.rollout;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import dev.ferry.migration.TargetDatabase;
import dev.ferry.migration.TargetRegistry;

/**
 * The groups of targets a rollout can cover, resolved once at start against the configured targets:
 * a name must be a target, a pattern ({@code *}, {@code ?}) must match at least one.
 */
@Startup
@ApplicationScoped
public class TargetGroups {

    private final Map<String, List<String>> groups = new TreeMap<>();

    public TargetGroups(GroupsConfig config, TargetRegistry targets) {
        List<String> configured = targets.all().stream().map(TargetDatabase::name).sorted().toList();
        config.groups().forEach((group, definition) -> {
            java.util.Set<String> members = new java.util.TreeSet<>();
            for (String entry : definition.targets()) {
                String name = entry.trim();
                if (name.contains("*") || name.contains("?")) {
                    Pattern pattern = Pattern.compile(Pattern.quote(name).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
                    List<String> matched = configured.stream().filter(t -> pattern.matcher(t).matches()).toList();
                    if (matched.isEmpty()) {
                        throw new IllegalStateException("ferry.groups." + group + ".targets: '" + name + "' matches no configured target");
                    }
                    members.addAll(matched);
                } else if (configured.contains(name)) {
                    members.add(name);
                } else {
                    throw new IllegalStateException("ferry.groups." + group + ".targets: '" + name + "' is not a configured target");
                }
            }
            groups.put(group, List.copyOf(members));
        });
    }

    /** A group's targets, sorted by name: the order a rollout's waves take them in. */
    public Optional<List<String>> targets(String group) {
        return Optional.ofNullable(groups.get(group));
    }

    public Map<String, List<String>> all() {
        return java.util.Collections.unmodifiableMap(groups);
    }
}
