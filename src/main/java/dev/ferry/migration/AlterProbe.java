package dev.ferry.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jboss.logging.Logger;

import dev.ferry.Identifiers;
import dev.ferry.problem.FerryException;
import dev.ferry.sql.SqlStatements;

/**
 * Which algorithm each table change of a run would use, found before anything runs: the server decides
 * from a table's definition, not its rows, so each change is tried, cheapest algorithm first, on an
 * empty copy of its table ({@code CREATE TABLE ... LIKE}) in a scratch schema that is dropped
 * afterwards. The copies follow the script, so a later change sees the table as the earlier ones leave it.
 */
final class AlterProbe {

    private static final Logger LOG = Logger.getLogger(AlterProbe.class);

    private AlterProbe() {
    }

    /**
     * The table changes of {@code scripts}, in order, with their algorithm. {@code everyTable} false
     * probes only large tables (what a real run must know before it starts); a dry run probes all.
     */
    static List<PlannedStatement> plan(TargetDatabase target, List<ScriptCatalog.Script> scripts, boolean everyTable) {
        List<PlannedStatement> planned = new ArrayList<>();
        boolean anyChange = scripts.stream().filter(s -> s.java() == null).flatMap(s -> SqlStatements.split(s.text()).stream())
                .anyMatch(st -> OnlineDdl.of(st.sql()).isPresent());
        if (!anyChange) {
            return planned;
        }
        long largeRows = target.config().ddl().largeTableRows();
        try (Connection live = target.connection(); Connection probe = target.connection()) {
            String schema = live.getCatalog();
            String scratch = null;
            Map<String, Boolean> large = new HashMap<>();
            Set<String> copied = new HashSet<>();
            Set<String> unknown = new HashSet<>();
            boolean noScratch = false;
            try {
                for (ScriptCatalog.Script script : scripts) {
                    if (script.java() != null) {
                        continue;
                    }
                    List<SqlStatements.Statement> statements = SqlStatements.split(script.text());
                    for (int i = 0; i < statements.size(); i++) {
                        SqlStatements.Statement statement = statements.get(i);
                        Optional<OnlineDdl.Change> change = OnlineDdl.of(statement.sql());
                        if (change.isEmpty()) {
                            continue;
                        }
                        String table = change.get().table();
                        boolean isLarge = large.computeIfAbsent(table, t -> isLarge(live, t, largeRows));
                        if (!everyTable && !isLarge) {
                            continue;
                        }
                        String algorithm = PlannedStatement.UNKNOWN;
                        if (scratch == null && !noScratch) {
                            String name = "ferry_probe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                            try {
                                execute(probe, "CREATE DATABASE " + Identifiers.quote(name));
                                scratch = name;
                                probe.setCatalog(scratch);
                            } catch (SQLException e) {
                                // Without CREATE on the server the plan says "unknown" and the run decides statement by statement.
                                LOG.warnf("Cannot create a scratch schema on %s to probe table changes: %s", target.name(), e.getMessage());
                                noScratch = true;
                            }
                        }
                        if (scratch != null && !unknown.contains(table)) {
                            algorithm = tryOn(probe, schema, scratch, table, change.get(), copied).orElse(PlannedStatement.UNKNOWN);
                            if (PlannedStatement.UNKNOWN.equals(algorithm)) {
                                unknown.add(table);
                            }
                        }
                        if (isLarge && OnlineDdl.Algorithm.COPY.shown().equals(algorithm) && target.config().ddl().onlineTool().isPresent()
                                && change.get().alterTable()) {
                            algorithm = OnlineDdl.Algorithm.PT_ONLINE_SCHEMA_CHANGE.shown();
                        }
                        planned.add(new PlannedStatement(script.name(), i + 1, statement.line(), StatementRun.shown(statement.sql()), table,
                                algorithm, isLarge));
                    }
                }
            } finally {
                if (scratch != null) {
                    probe.setCatalog(schema); // the pooled connection goes back pointing at the target's schema
                    execute(probe, "DROP DATABASE IF EXISTS " + Identifiers.quote(scratch));
                }
            }
        } catch (SQLException e) {
            throw FerryException.targetUnavailable("Cannot probe the table changes on " + target.name(), e);
        }
        return planned;
    }

    /** The algorithm the change takes on the table's empty copy (made on first use); empty when it cannot run there. */
    private static Optional<String> tryOn(Connection probe, String schema, String scratch, String table, OnlineDdl.Change change,
            Set<String> copied) {
        try {
            if (copied.add(table)) {
                execute(probe, "CREATE TABLE " + Identifiers.quote(scratch, table) + " LIKE " + Identifiers.quote(schema, table));
            }
            Optional<OnlineDdl.Algorithm> inPlace = OnlineDdl.runInPlace(probe, change, OnlineDdl.inPlaceAlgorithms(probe), Duration.ZERO);
            if (inPlace.isPresent()) {
                return Optional.of(inPlace.get().shown());
            }
            execute(probe, change.sql());
            return Optional.of(OnlineDdl.Algorithm.COPY.shown());
        } catch (SQLException | OnlineDdl.ClauseNotTaken e) {
            // A table created earlier in the run, a foreign key to a table the scratch schema lacks: the run decides then.
            LOG.debugf("Cannot probe %s on %s: %s", change.sql(), table, e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean isLarge(Connection live, String table, long largeRows) {
        try {
            return OnlineDdl.isLarge(live, table, largeRows);
        } catch (SQLException e) {
            return false; // not there yet (created by the run): empty
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }
}
