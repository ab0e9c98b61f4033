package dev.ferry.migration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/** The target databases Ferry may change: {@code ferry.targets.<name>.*}. */
@ConfigMapping(prefix = "ferry.targets")
public interface TargetsConfig {

    @WithParentName
    Map<String, Target> targets();

    interface Target {
        /** JDBC URL of the target database, e.g. {@code jdbc:mariadb://db:3306/alkemio}. */
        String jdbcUrl();

        Optional<String> username();

        Optional<String> password();

        /** Flyway locations of the scripts, {@code classpath:} or {@code filesystem:}. */
        List<String> locations();

        /** Flyway's history table in the target. */
        @WithDefault("flyway_schema_history")
        String historyTable();

        /** How long a change waits for {@code GET_LOCK('ferry:<target>')} before LOCK_TIMEOUT. */
        @WithDefault("10s")
        Duration lockTimeout();

        /** Connections Ferry keeps open to the target. */
        @WithDefault("4")
        int poolSize();
    }
}
