package dev.ferry.validation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.ferry.Identifiers;

/**
 * Builds a sandbox from the live schema's own definitions: every table as {@code SHOW CREATE TABLE}
 * gives it (foreign keys included, pointing at the sandbox's tables), then views, routines and
 * triggers. Rows are copied for the tables the scripts touch and for every table their foreign keys
 * reach, so a script that breaks a key fails here as it would live. ({@code CREATE TABLE … LIKE}
 * copied no foreign keys, and no routine, view or trigger: scripts that ran fine live failed here,
 * and scripts that broke a key passed.)
 */
final class SandboxClone {

    private static final Pattern EMPTY_DEFINER = Pattern.compile("(?i)\\s+DEFINER\\s*=\\s*``(?=\\s)");

    private SandboxClone() {
    }

    static void build(Connection c, String live, String sandbox, Set<String> touched, String historyTable, Optional<Integer> sample)
            throws SQLException {
        List<String> tables = strings(c, "SELECT table_name FROM information_schema.tables WHERE table_schema = ?"
                + " AND table_type = 'BASE TABLE' ORDER BY table_name", live);
        Set<String> copied = withReferencedTables(c, live, touched, historyTable);
        try (Statement s = c.createStatement()) {
            // Definitions name their tables unqualified: run them inside the sandbox. Without key checks, a table
            // may reference one created after it, and rows load in any order (they already satisfy their keys).
            s.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0");
            s.execute("USE " + Identifiers.quote(sandbox));
            try {
                for (String table : tables) {
                    // As live has it, AUTO_INCREMENT included: rows the scripts insert get the ids they would get live.
                    s.execute(show(c, "SHOW CREATE TABLE " + Identifiers.quote(live, table), 2));
                }
                for (String table : tables) {
                    if (copied.contains(table.toLowerCase(Locale.ROOT))) {
                        boolean history = table.equalsIgnoreCase(historyTable);
                        s.execute("INSERT INTO " + Identifiers.quote(sandbox, table) + " SELECT * FROM " + Identifiers.quote(live, table)
                                + (!history && sample.isPresent() ? sampleClause(c, live, table, sample.get()) : ""));
                    }
                }
                views(c, s, live, sandbox);
                routines(c, s, live, sandbox);
                // Triggers last: the copied rows must not fire them.
                for (String trigger : strings(c, "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = ?"
                        + " ORDER BY trigger_name", live)) {
                    s.execute(repoint(show(c, "SHOW CREATE TRIGGER " + Identifiers.quote(live, trigger), 3), live, sandbox));
                }
            } finally {
                s.execute("USE " + Identifiers.quote(live));
                s.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1");
            }
        }
    }

    /** The names of the views, routines and triggers of a schema, by kind, to compare a sandbox with its original. */
    static Map<String, List<String>> objects(Connection c, String schema) throws SQLException {
        Map<String, List<String>> objects = new LinkedHashMap<>();
        objects.put("view", strings(c, "SELECT table_name FROM information_schema.views WHERE table_schema = ? ORDER BY table_name", schema));
        objects.put("routine", strings(c, "SELECT CONCAT(routine_type, ' ', routine_name) FROM information_schema.routines"
                + " WHERE routine_schema = ? ORDER BY 1", schema));
        objects.put("trigger", strings(c, "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = ? ORDER BY 1",
                schema));
        return objects;
    }

    /** The touched tables and the history, plus every table their foreign keys reach (lower case). */
    private static Set<String> withReferencedTables(Connection c, String live, Set<String> touched, String historyTable)
            throws SQLException {
        Map<String, List<String>> parents = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, referenced_table_name FROM"
                + " information_schema.referential_constraints WHERE constraint_schema = ? AND unique_constraint_schema = ?")) {
            ps.setString(1, live);
            ps.setString(2, live);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    parents.computeIfAbsent(rs.getString(1).toLowerCase(Locale.ROOT), t -> new ArrayList<>())
                            .add(rs.getString(2).toLowerCase(Locale.ROOT));
                }
            }
        }
        Set<String> copied = new TreeSet<>();
        Deque<String> next = new ArrayDeque<>();
        touched.forEach(t -> next.add(t.toLowerCase(Locale.ROOT)));
        next.add(historyTable.toLowerCase(Locale.ROOT));
        while (!next.isEmpty()) {
            String table = next.poll();
            if (copied.add(table)) {
                next.addAll(parents.getOrDefault(table, List.of()));
            }
        }
        return copied;
    }

    /** Views may use views: create what can be created, then try the rest again, until nothing moves. */
    private static void views(Connection c, Statement s, String live, String sandbox) throws SQLException {
        List<String> pending = strings(c, "SELECT table_name FROM information_schema.views WHERE table_schema = ? ORDER BY table_name", live);
        Map<String, String> definitions = new LinkedHashMap<>();
        for (String view : pending) {
            definitions.put(view, repoint(show(c, "SHOW CREATE VIEW " + Identifiers.quote(live, view), 2), live, sandbox));
        }
        SQLException last = null;
        boolean moved = true;
        while (!definitions.isEmpty() && moved) {
            moved = false;
            for (var it = definitions.entrySet().iterator(); it.hasNext();) {
                var view = it.next();
                try {
                    s.execute(view.getValue());
                    it.remove();
                    moved = true;
                } catch (SQLException e) {
                    last = e;
                }
            }
        }
        if (!definitions.isEmpty() && last != null) {
            throw last;
        }
    }

    private static void routines(Connection c, Statement s, String live, String sandbox) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT routine_type, routine_name FROM information_schema.routines"
                + " WHERE routine_schema = ? ORDER BY routine_name")) {
            ps.setString(1, live);
            List<String[]> routines = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    routines.add(new String[] { rs.getString(1), rs.getString(2) });
                }
            }
            for (String[] routine : routines) {
                s.execute(repoint(show(c, "SHOW CREATE " + routine[0] + " " + Identifiers.quote(live, routine[1]), 3), live, sandbox));
            }
        }
    }

    /**
     * A definition naming the sandbox wherever it named the live schema. The definer stays: the object
     * keeps the rights it has live (Ferry's account created it through a migration, or may set it). An
     * empty definer (a server without grant tables reports one) cannot be given back, so it is left out.
     */
    private static String repoint(String definition, String live, String sandbox) {
        return EMPTY_DEFINER.matcher(definition).replaceFirst("").replace(Identifiers.quote(live) + ".", Identifiers.quote(sandbox) + ".");
    }

    private static String show(Connection c, String sql, int column) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next() || rs.getString(column) == null) {
                throw new SQLException("Cannot read the definition (" + sql + "): Ferry's account may lack the privilege to see it");
            }
            return rs.getString(column);
        }
    }

    /**
     * The first rows in primary-key order: the same rows on every run, so a reference set captured
     * from a sample stays comparable (a bare LIMIT may return any rows).
     */
    private static String sampleClause(Connection c, String live, String table, int rows) throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name FROM information_schema.statistics WHERE table_schema"
                + " = ? AND table_name = ? AND index_name = 'PRIMARY' ORDER BY seq_in_index")) {
            ps.setString(1, live);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return (key.isEmpty() ? "" : " ORDER BY " + Identifiers.quoteAll(key)) + " LIMIT " + rows;
    }

    private static List<String> strings(Connection c, String sql, String param) throws SQLException {
        return SchemaSnapshot.strings(c, sql, param);
    }
}
