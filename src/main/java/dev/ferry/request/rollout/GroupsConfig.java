package dev.ferry.request.rollout;

import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

/** Target groups: {@code ferry.groups.<group>.targets}, names or patterns ({@code tenant-*}) over the configured targets. */
@ConfigMapping(prefix = "ferry.groups")
public interface GroupsConfig {

    @WithParentName
    Map<String, Group> groups();

    interface Group {
        List<String> targets();
    }
}
