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

        /**
         * Connections Ferry may open to the target: the lock, the backfill's reader and its three
         * parallel writers need five at once.
         */
        @WithDefault("6")
        int poolSize();

        /**
         * How long a pooled connection may stay idle before it is closed (at least 2 s, whole seconds):
         * targets that are not changing hold no connections after it. {@code 0s}: no pool, each
         * connection is opened when borrowed and closed when given back, so a target holds connections
         * only while it changes (a fleet of many targets on one server).
         */
        @WithDefault("60s")
        Duration poolIdleTimeout();

        /** Refuse to migrate scripts whose exact checksum has not passed {@code validate}. */
        @WithDefault("false")
        boolean validationGate();

        Lint lint();

        /** Which requests wait for a second person (README, "Approvals"); none by default. */
        Approval approval();

        /** How DDL waits for its metadata lock: {@code ddl.*}. */
        Ddl ddl();

        /** Schema drift checks of this target ({@code drift.*}); unset values follow {@code ferry.drift.*}. */
        Drift drift();

        /**
         * Properties file mapping TypeORM migration names to Ferry versions ({@code AddUsers1690000000000=1}),
         * used by {@code baseline}; {@code classpath:} or a file path.
         */
        Optional<String> typeormMapping();

        /** Folder of reference CSVs ({@code <table>.csv}) that {@code validate} compares against. */
        Optional<String> referenceData();

        /**
         * The schemas on the target's server that {@code generate} may compare with ({@code options.from});
         * any other name, Ferry's own ledger or {@code mysql} included, is refused.
         */
        Optional<List<String>> generateFrom();

        Validation validation();

        /** TypeORM's history table in the target. */
        @WithDefault("migrations")
        String typeormTable();
    }

    interface Validation {
        /** Columns left out of exports and comparisons because they change on every run. */
        @WithDefault("createdDate,updatedDate,version")
        List<String> volatileColumns();

        /**
         * After the data check, undo the pending versions with their U scripts and apply them again,
         * comparing the schema after each leg (when every pending version has an undo script).
         */
        @WithDefault("true")
        boolean undoRoundTrip();

        /** Copy at most this many rows of each table into the sandbox (very large tables). */
        Optional<Integer> sampleRows();

        /** Tables to export and compare, instead of the ones detected from the scripts. */
        Optional<List<String>> tables();
    }

    interface Ddl {
        /**
         * The longest one statement waits for its metadata lock ({@code lock_wait_timeout}), so that a
         * long transaction on the table never makes the application's queries queue behind Ferry's DDL.
         */
        @WithDefault("3s")
        Duration lockWait();

        /** How often a statement whose lock wait ran out is tried again (backoff with jitter). */
        @WithDefault("20")
        int lockRetries();

        /**
         * Tables with at least this many rows are large: a statement that would copy one is refused
         * (TABLE_COPY_REQUIRED) unless {@code online-tool} is set.
         */
        @WithDefault("1000000")
        long largeTableRows();

        /** The online schema-change tool for table copies of large tables: {@code pt-online-schema-change}, or none. */
        Optional<String> onlineTool();

        /** How the online tool runs. */
        OnlineTool online();
    }

    /** pt-online-schema-change settings ({@code ddl.online.*}): it copies in chunks and pauses under load or replica lag. */
    interface OnlineTool {
        /** The tool's executable. */
        @WithDefault("pt-online-schema-change")
        String command();

        /** Pause copying while a replica lags more than this ({@code --max-lag}). */
        @WithDefault("1s")
        Duration maxLag();

        /** Pause copying while this status variable is above its value ({@code --max-load}). */
        @WithDefault("Threads_running=25")
        String maxLoad();

        /** Stop, cleaning up, when this status variable passes its value ({@code --critical-load}). */
        @WithDefault("Threads_running=50")
        String criticalLoad();

        /** Target time per copied chunk ({@code --chunk-time}). */
        @WithDefault("0.5s")
        Duration chunkTime();

        /** How replicas are found for the lag check ({@code --recursion-method}: processlist, hosts, none, dsn=...). */
        @WithDefault("processlist")
        String recursionMethod();

        /** Further options passed as they are (for example {@code --alter-foreign-keys-method=auto}). */
        Optional<List<String>> extraOptions();
    }

    interface Drift {
        /** Refuse migrate and revert (SCHEMA_DRIFT) while the live schema differs from what the history produces. */
        Optional<Boolean> checkBeforeChange();

        /** How often the scheduled check runs for this target ({@code off}, or a duration). */
        Optional<String> checkEvery();

        /** Tables the target does not manage with scripts (patterns, {@code *} and {@code ?}): never reported. */
        Optional<List<String>> ignoreTables();
    }

    interface Approval {
        /**
         * Conditions that park a request until an approver decides: {@code change}, {@code force},
         * {@code repair}, {@code baseline}, {@code blocking-lint}, {@code table-copy}, {@code drift}.
         */
        Optional<List<String>> requiredFor();

        /** A request nobody decided within this time ends REJECTED / APPROVAL_EXPIRED. */
        @WithDefault("24h")
        Duration expireAfter();
    }

    interface Lint {
        /** Severity per rule id ({@code block}, {@code warn}, {@code off}); unlisted rules keep their default. */
        Map<String, String> rules();

        /** Tables with at least this many rows count as large for the online-index rule. */
        @WithDefault("1000000")
        long largeTableRows();

        /**
         * A data rule (duplicates before a unique key, NULLs before NOT NULL, ...) reads at most this many
         * rows of a table; above it, it checks the first rows only and says so in its finding.
         */
        @WithDefault("10000000")
        long dataCheckMaxRows();
    }
}
