package dev.ferry.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.mariadb.jdbc.MariaDbDataSource;
import org.mariadb.jdbc.MariaDbPoolDataSource;

import dev.ferry.lint.LintFinding;
import dev.ferry.lint.LintRule;
import dev.ferry.lint.LintSeverity;
import dev.ferry.lint.ScriptLinter;
import dev.ferry.problem.FerryException;

/**
 * A configured target: its connections (a pool, or none with {@code pool-idle-timeout} 0: each
 * connection opened when borrowed and closed when given back), its scripts, and Flyway over both.
 */
public final class TargetDatabase implements AutoCloseable {

    /** Flyway instances kept per target (one per version asked for, see {@link #flyway}). */
    private static final int KEPT_VERSIONS = 8;

    private final String name;
    private final TargetsConfig.Target config;
    /** A {@link MariaDbPoolDataSource}, or with no pool a {@link MariaDbDataSource}. */
    private final DataSource connections;
    private final String url;
    private final ScriptCatalog scripts;
    private final ScriptLinter linter;
    /** Flyway as configured for each target version ("" for none), see {@link #flyway}. */
    private final Map<String, Flyway> configured = new java.util.concurrent.ConcurrentHashMap<>();
    /** The data source may be borrowed from: a pool once started (on first use), no pool at once. */
    private volatile boolean poolStarted;
    /** What the live target's statements run with during a change (set under the target lock). */
    private volatile ScriptRun run = ScriptRun.UNRECORDED;

    TargetDatabase(String name, TargetsConfig.Target config) {
        this.name = name;
        this.config = config;
        this.scripts = new ScriptCatalog(config.locations());
        this.linter = new ScriptLinter(severities(name, config.lint().rules()), config.lint().largeTableRows(), config.lint().dataCheckMaxRows());
        boolean pooled = !config.poolIdleTimeout().isZero();
        this.url = pooled ? withPoolOptions(config.jdbcUrl(), config.poolSize(), config.poolIdleTimeout()) : config.jdbcUrl();
        try {
            if (!new org.mariadb.jdbc.Driver().acceptsURL(url)) {
                throw new IllegalStateException("Invalid JDBC URL for target " + name + ": " + config.jdbcUrl());
            }
            // The credentials first and the URL on first use: given its URL, the pool opens a connection at once, and
            // given the credentials after the URL it builds a second pool and leaks the first one's connection. A
            // configured target that is never used then holds no connection (two hundred on one server must not).
            if (pooled) {
                MariaDbPoolDataSource pool = new MariaDbPoolDataSource();
                withCredentials(pool::setUser, pool::setPassword);
                this.connections = pool;
            } else {
                MariaDbDataSource direct = new MariaDbDataSource(url);
                withCredentials(direct::setUser, direct::setPassword);
                this.connections = direct;
                this.poolStarted = true;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Invalid JDBC URL for target " + name + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public TargetsConfig.Target config() {
        return config;
    }

    /**
     * Flyway over Ferry's connections; {@code toVersion} limits migrate to that version. Each is built
     * once per version and kept (a few): configuring Flyway costs more than most {@code info} calls, and
     * every child of a rollout migrates to the same version (a tenth of a child's time in RolloutBenchmarkIT).
     */
    public Flyway flyway(Optional<String> toVersion) {
        String key = toVersion.orElse("");
        Flyway flyway = configured.get(key);
        if (flyway == null) {
            if (configured.size() >= KEPT_VERSIONS) {
                configured.clear();
            }
            flyway = configure(toVersion);
            configured.put(key, flyway);
        }
        return flyway;
    }

    private Flyway configure(Optional<String> toVersion) {
        try (Connection started = connection()) {
            // The pool is started; Flyway borrows its own connections from it.
        } catch (SQLException e) {
            throw FerryException.targetUnavailable("Cannot connect to target " + name, e);
        }
        return scripts(toVersion, () -> run).dataSource(connections).load();
    }

    /**
     * Runs a change whose statements run with {@code changeRun} (recorded, reporting progress); the
     * caller holds the target lock, so one change at a time records.
     */
    <T> T running(ScriptRun changeRun, java.util.function.Supplier<T> change) {
        run = changeRun;
        try {
            return change.get();
        } finally {
            run = ScriptRun.UNRECORDED;
        }
    }

    /** This target's scripts applied to another schema of the same server (a validation sandbox). */
    public Flyway flywayOnSchema(String schema, Optional<String> toVersion) {
        return flywayOnSchemaAs(schema, toVersion, config.username().orElse(null), config.password().orElse(null));
    }

    /** As {@link #flywayOnSchema}, connecting as another account (a sandbox's own user). */
    public Flyway flywayOnSchemaAs(String schema, Optional<String> toVersion, String user, String password) {
        // A sandbox is thrown away: its statements are guarded but not recorded.
        return scripts(toVersion, () -> ScriptRun.UNRECORDED).dataSource(jdbcUrlFor(schema), user, password).load();
    }

    /** Flyway over this target's scripts and history table, without a data source yet. */
    private FluentConfiguration scripts(Optional<String> toVersion, java.util.function.Supplier<ScriptRun> statements) {
        FluentConfiguration flyway = Flyway.configure(Thread.currentThread().getContextClassLoader())
                .locations(config.locations().toArray(String[]::new))
                .table(config.historyTable())
                // Ferry runs the V scripts statement by statement (ScriptResolver); Flyway keeps the history.
                .sqlMigrationPrefix(ScriptResolver.FLYWAY_SQL_PREFIX)
                .resolvers(new ScriptResolver(scripts, config, statements))
                // Ferry runs U scripts itself; Flyway's free edition must not reject their names.
                .validateMigrationNaming(false)
                // MigrationRunner checks the history itself (failed, edited, missing or skipped scripts) from the info it
                // needs anyway for lint and the plan; Flyway's own validation would compute that info a second time.
                .validateOnMigrate(false)
                // Every statement waits at most ddl.lock-wait for its metadata lock (MigrationRunner retries).
                .initSql("SET SESSION lock_wait_timeout = " + Math.max(1, config.ddl().lockWait().toSeconds()))
                .cleanDisabled(true)
                .communityDBSupportEnabled(true);
        toVersion.ifPresent(flyway::target);
        return flyway;
    }

    /** The target's JDBC URL pointing at another schema of the same server. */
    public String jdbcUrlFor(String schema) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(jdbc:[a-z]+://[^/?]+)(/[^?]*)?(\\?.*)?$").matcher(config.jdbcUrl());
        if (!m.matches()) {
            throw new IllegalStateException("Cannot derive a sandbox URL from the JDBC URL of target " + name);
        }
        String query = m.group(3) == null ? "" : m.group(3).replaceAll("([?&])createDatabaseIfNotExist=[^&]*&?", "$1").replaceAll("[?&]$", "");
        return m.group(1) + "/" + schema + query;
    }

    /** The texts of these script files of this target, by name (listing the locations once). */
    public java.util.Map<String, String> scriptTexts(java.util.Collection<String> scriptNames) {
        ScriptCatalog.Index index = scripts.index();
        java.util.Map<String, String> texts = new java.util.LinkedHashMap<>();
        scriptNames.forEach(name -> index.read(name).ifPresent(script -> texts.put(name, script.text())));
        return texts;
    }

    ScriptCatalog scripts() {
        return scripts;
    }

    /** The lint configured for this target: per-rule severities over the defaults. */
    /** The severity this target gives a lint rule. */
    LintSeverity severity(LintRule rule) {
        return linter.severity(rule);
    }

    /** The lint findings of {@code scripts} run in order on this target (see {@link ScriptLinter#lint(List, ScriptLinter.TargetFacts, Map)}). */
    List<LintFinding> lint(List<ScriptCatalog.Script> scripts, Map<String, Set<String>> purposes) {
        if (scripts.isEmpty()) {
            return List.of();
        }
        try (Connection connection = connection()) {
            return linter.lint(scripts.stream().map(s -> new ScriptLinter.Source(s.name(), s.text())).toList(), ScriptLinter.liveFacts(connection),
                    purposes);
        } catch (SQLException e) {
            throw FerryException.targetUnavailable("Cannot read the target for lint", e);
        }
    }

    /** Flyway set to baseline at {@code version}, for adopting a database migrated by another tool. */
    Flyway flywayBaselinedAt(String version, String description) {
        return Flyway.configure(Thread.currentThread().getContextClassLoader())
                .configuration(configure(Optional.empty()).getConfiguration())
                .baselineVersion(version)
                .baselineDescription(description)
                .load();
    }

    /** A setter of the driver's data sources (both throw SQLException). */
    private interface CredentialSetter {
        void set(String value) throws SQLException;
    }

    private void withCredentials(CredentialSetter user, CredentialSetter password) throws SQLException {
        if (config.username().isPresent()) {
            user.set(config.username().get());
        }
        if (config.password().isPresent()) {
            password.set(config.password().get());
        }
    }

    /** A connection (pooled, unless the target has no pool); failures to connect become TARGET_UNAVAILABLE. */
    public Connection connection() {
        try {
            if (!poolStarted) {
                // The pool starts on its first borrow; two changes arriving together once both waited out the connect
                // timeout there (RequestProcessingTest's serialisation test), so the first borrow is made alone.
                synchronized (this) {
                    if (!poolStarted) {
                        ((MariaDbPoolDataSource) connections).setUrl(url);
                        Connection first = connections.getConnection();
                        poolStarted = true;
                        return first;
                    }
                }
            }
            return connections.getConnection();
        } catch (SQLException e) {
            throw FerryException.targetUnavailable("Cannot connect to target " + name, e);
        }
    }

    private static java.util.Map<LintRule, LintSeverity> severities(String target, java.util.Map<String, String> configured) {
        java.util.Map<LintRule, LintSeverity> severities = new java.util.EnumMap<>(LintRule.class);
        configured.forEach((rule, severity) -> {
            LintRule known = LintRule.fromId(rule).orElseThrow(() -> new IllegalStateException(
                    "ferry.targets." + target + ".lint.rules: unknown rule '" + rule + "'"));
            try {
                severities.put(known, LintSeverity.valueOf(severity.trim().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("ferry.targets." + target + ".lint.rules." + rule + ": '" + severity
                        + "' is not block, warn or off");
            }
        });
        return severities;
    }

    /**
     * Pool options unless the URL sets them: at most {@code poolSize} connections, every one closed
     * after {@code idleTimeout} idle, so a fleet of targets on one server (a rollout's) holds
     * connections only while they change, never {@code max_connections} worth of idle ones. The
     * driver looks for idle connections every half of that; below 2 s it would not look at all.
     */
    private static String withPoolOptions(String url, int poolSize, Duration idleTimeout) {
        long idleSeconds = Math.max(2, idleTimeout.toSeconds());
        StringBuilder options = new StringBuilder();
        for (String option : new String[] { "maxPoolSize=" + poolSize, "minPoolSize=0", "maxIdleTime=" + idleSeconds }) {
            if (!url.contains(option.substring(0, option.indexOf('=') + 1))) {
                options.append(options.isEmpty() && !url.contains("?") ? "?" : "&").append(option);
            }
        }
        return url + options;
    }

    @Override
    public void close() {
        // A pool never borrowed from was never built: MariaDB's close() would fail on it.
        if (poolStarted && connections instanceof MariaDbPoolDataSource pooled) {
            pooled.close();
        }
    }
}
