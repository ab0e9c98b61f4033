package dev.ferry.migration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

import org.flywaydb.core.api.MigrationVersion;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * Replays a target's V scripts, as they are now, on a throw-away schema of its server: every statement
 * in version order, with no history, no journal and no lock guard (nothing else uses that schema).
 * Building the schema a history produces this way costs what its statements cost on the server; through
 * Flyway, the history rows and per-script bookkeeping doubled a 500-script build.
 */
public final class ScriptReplay {

    private ScriptReplay() {
    }

    /**
     * Runs the scripts up to {@code upTo} (all when empty) on {@code schema}, over a connection of its own.
     * A statement the server refuses ends the replay with {@code MIGRATION_FAILED} naming the script, its
     * line and the server's words.
     */
    public static void onto(TargetDatabase target, String schema, Optional<String> upTo) {
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
        TargetsConfig.Target config = target.config();
        try (Connection connection = DriverManager.getConnection(target.jdbcUrlFor(schema), config.username().orElse(null),
                config.password().orElse(null)); Statement statement = connection.createStatement()) {
            for (Map.Entry<MigrationVersion, String> script : scripts) {
                String text = index.read(script.getValue()).orElseThrow().text();
                for (SqlStatements.Statement each : SqlStatements.split(text)) {
                    try {
                        statement.execute(each.sql());
                    } catch (SQLException e) {
                        if (dev.ferry.Transient.is(e)) {
                            throw e;
                        }
                        throw new FerryException(ErrorCode.MIGRATION_FAILED, script.getValue() + " does not apply to an empty schema: line "
                                + each.line() + ": " + e.getMessage(), script.getValue(), Map.of("line", each.line()), e);
                    }
                }
            }
        } catch (SQLException e) {
            throw FerryException.targetUnavailable("Lost the target while replaying its scripts on a scratch schema", e);
        }
    }
}
