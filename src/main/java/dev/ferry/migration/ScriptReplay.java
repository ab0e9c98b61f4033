package dev.ferry.migration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.flywaydb.core.api.MigrationVersion;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.sql.SqlStatements;

/**
 * Replays a target's V scripts, as they are now, on a throw-away schema of its server: every statement
 * in version order, with no history, no journal and no lock guard (nothing else uses that schema).
 * Building the schema a history produces this way costs what its statements cost on the server; through
 * Flyway, the history rows and per-script bookkeeping doubled a 500-script build.
 * <p>
 * A run of statements that each create or alter one table and name no other ({@code CREATE TABLE t (...)},
 * {@code ALTER TABLE t ...} without a foreign key) is spread over {@value #CONNECTIONS} connections, a
 * table's statements in their order on one of them: creating a table is mostly the server waiting for its
 * disk. Any other statement waits for that run to end and runs alone; a replay with a {@code SET} or
 * {@code USE} (session state the other connections would not have) runs on one connection throughout.
 */
public final class ScriptReplay {

    private static final int CONNECTIONS = 3;
    private static final Pattern OWN_TABLE = Pattern.compile(
            "(?is)^(?:CREATE\\s+TABLE(?:\\s+IF\\s+NOT\\s+EXISTS)?|ALTER\\s+TABLE)\\s+(`[^`]+`|[A-Za-z0-9_$]+)\\s*(?:\\(|[A-Za-z]).*");
    private static final Pattern OTHER_TABLES = Pattern.compile("(?i)\\b(REFERENCES|FOREIGN|LIKE|SELECT|RENAME|PARTITION)\\b");
    private static final Pattern SESSION = Pattern.compile("(?is)^(SET|USE)\\b.*");

    private ScriptReplay() {
    }

    /** One statement and the script it comes from. */
    private record Step(String script, SqlStatements.Statement statement) {
    }

    /**
     * Runs the scripts up to {@code upTo} (all when empty) on {@code schema}, over connections of its own.
     * A statement the server refuses ends the replay with {@code MIGRATION_FAILED} naming the script, its
     * line and the server's words.
     */
    public static void onto(TargetDatabase target, String schema, Optional<String> upTo) {
        List<Step> steps = steps(target, upTo);
        boolean parallel = steps.stream().noneMatch(step -> SESSION.matcher(sqlOf(step)).matches());
        List<Connection> connections = new ArrayList<>();
        try {
            connections.add(connect(target, schema));
            Map<String, List<Step>> byTable = new LinkedHashMap<>();
            for (Step step : steps) {
                Optional<String> table = parallel ? ownTable(sqlOf(step)) : Optional.empty();
                if (table.isPresent()) {
                    byTable.computeIfAbsent(table.get(), t -> new ArrayList<>()).add(step);
                    continue;
                }
                runSpread(target, schema, connections, byTable);
                run(connections.get(0), List.of(step));
            }
            runSpread(target, schema, connections, byTable);
        } catch (SQLException e) {
            throw lost(e);
        } finally {
            connections.forEach(ScriptReplay::closeQuietly);
        }
    }

    private static List<Step> steps(TargetDatabase target, Optional<String> upTo) {
        MigrationVersion last = upTo.map(MigrationVersion::fromVersion).orElse(MigrationVersion.LATEST);
        ScriptCatalog.Index index = target.scripts().index();
        List<Map.Entry<MigrationVersion, String>> scripts = index.names().stream()
                .map(name -> {
                    Matcher m = ScriptResolver.VERSIONED.matcher(name);
                    return m.matches() ? Map.entry(MigrationVersion.fromVersion(m.group(1)), name) : null;
                })
                .filter(e -> e != null && e.getKey().compareTo(last) <= 0)
                .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                .toList();
        List<Step> steps = new ArrayList<>();
        for (Map.Entry<MigrationVersion, String> script : scripts) {
            String text = index.read(script.getValue()).orElseThrow().text();
            SqlStatements.split(text).forEach(statement -> steps.add(new Step(script.getValue(), statement)));
        }
        return steps;
    }

    /** The one table a statement creates or alters, when it names no other. */
    private static Optional<String> ownTable(String sql) {
        Matcher m = OWN_TABLE.matcher(sql);
        return m.matches() && !OTHER_TABLES.matcher(sql).find() ? Optional.of(m.group(1).replace("`", "").toLowerCase(java.util.Locale.ROOT))
                : Optional.empty();
    }

    /** Runs the collected tables' statements over the connections, each table's in order on one; then forgets them. */
    private static void runSpread(TargetDatabase target, String schema, List<Connection> connections, Map<String, List<Step>> byTable)
            throws SQLException {
        if (byTable.isEmpty()) {
            return;
        }
        List<List<Step>> lanes = new ArrayList<>();
        int width = Math.min(CONNECTIONS, byTable.size());
        for (int i = 0; i < width; i++) {
            lanes.add(new ArrayList<>());
        }
        int next = 0;
        for (List<Step> table : byTable.values()) {
            lanes.get(next++ % width).addAll(table);
        }
        byTable.clear();
        while (connections.size() < width) {
            connections.add(connect(target, schema));
        }
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (int i = 1; i < width; i++) {
            Connection connection = connections.get(i);
            List<Step> lane = lanes.get(i);
            others.add(CompletableFuture.runAsync(() -> run(connection, lane), Infrastructure.getDefaultWorkerPool()));
        }
        RuntimeException failed = null;
        try {
            run(connections.get(0), lanes.get(0));
        } catch (RuntimeException e) {
            failed = e;
        }
        for (CompletableFuture<Void> other : others) {
            try {
                other.join();
            } catch (CompletionException e) {
                failed = failed != null ? failed : e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private static void run(Connection connection, List<Step> steps) {
        try (Statement statement = connection.createStatement()) {
            for (Step step : steps) {
                try {
                    statement.execute(step.statement().sql());
                } catch (SQLException e) {
                    if (dev.ferry.Transient.is(e)) {
                        throw lost(e);
                    }
                    throw new FerryException(ErrorCode.MIGRATION_FAILED, step.script() + " does not apply to an empty schema: line "
                            + step.statement().line() + ": " + e.getMessage(), step.script(), Map.of("line", step.statement().line()), e);
                }
            }
        } catch (SQLException e) {
            throw lost(e);
        }
    }

    private static FerryException lost(SQLException e) {
        return FerryException.targetUnavailable("Lost the target while replaying its scripts on a scratch schema", e);
    }

    private static String sqlOf(Step step) {
        return SqlStatements.withoutComments(step.statement().sql()).strip();
    }

    private static Connection connect(TargetDatabase target, String schema) throws SQLException {
        TargetsConfig.Target config = target.config();
        return DriverManager.getConnection(target.jdbcUrlFor(schema), config.username().orElse(null), config.password().orElse(null));
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // a scratch connection: nothing to keep
        }
    }
}
