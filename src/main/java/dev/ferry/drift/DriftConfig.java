package dev.ferry.drift;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Schema drift defaults for every target ({@code ferry.drift.*}); a target overrides them under {@code ferry.targets.<name>.drift.*}. */
@ConfigMapping(prefix = "ferry.drift")
public interface DriftConfig {

    /** Refuse migrate and revert while the live schema has drifted (unless forced). */
    @WithDefault("true")
    boolean checkBeforeChange();

    /** How often the scheduled check runs per target: a duration, or {@code off}. */
    @WithDefault("1h")
    String checkEvery();

    /** How often the scheduler looks for targets whose check is due. */
    @WithDefault("60s")
    String tick();
}
