package dev.ferry.validation;

import dev.ferry.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tables, columns, indexes, foreign keys, check constraints and table options of one schema, read from
 * information_schema: what {@code generate} diffs, and what drift compares.
 */
public record SchemaSnapshot(String schema, Map<String, Table> tables) {

    /** {@code options}: engine, row format and collation; {@code checks}: check constraints by name. */
    public record Table(String name, Map<String, Column> columns, Map<String, Index> indexes, Map<String, ForeignKey> foreignKeys,
            String createStatement, Map<String, String> options, Map<String, String> checks) {
    }

    /** A column as its definition in ALTER TABLE would spell it, and its collation (text columns). */
    public record Column(String name, int position, String definition, String collation) {
    }

    /** {@code parts}: each column with its prefix length and order, as {@code name(10) DESC}. */
    public record Index(String name, boolean unique, List<String> columns, List<String> parts) {

        public String definition() {
            String cols = Identifiers.quoteAll(columns);
            return name.equals("PRIMARY") ? "PRIMARY KEY (" + cols + ")"
                    : (unique ? "UNIQUE INDEX " : "INDEX ") + Identifiers.quote(name) + " (" + cols + ")";
        }
    }

    public record ForeignKey(String name, List<String> columns, String referencedTable, List<String> referencedColumns, String onDelete,
            String onUpdate) {

        public String definition() {
            return "CONSTRAINT " + Identifiers.quote(name) + " FOREIGN KEY (" + Identifiers.quoteAll(columns) + ") REFERENCES "
                    + Identifiers.quote(referencedTable) + " (" + Identifiers.quoteAll(referencedColumns) + ") ON DELETE " + onDelete
                    + " ON UPDATE " + onUpdate;
        }
    }

    public static SchemaSnapshot read(Connection c, String schema, String ignoredTable) throws SQLException {
        return read(c, schema, ignoredTable, true);
    }

    /**
     * As {@link #read(Connection, String, String)}; without {@code createStatements} each table's
     * {@code SHOW CREATE TABLE} (one round trip per table, which only {@code generate} needs) is skipped.
     */
    public static SchemaSnapshot read(Connection c, String schema, String ignoredTable, boolean createStatements) throws SQLException {
        Map<String, Table> tables = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, engine, row_format, table_collation FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_type = 'BASE TABLE'")) {
            ps.setString(1, schema);
            List<String[]> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] { rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4) });
                }
            }
            for (String[] row : rows) {
                String name = row[0];
                if (name.equalsIgnoreCase(ignoredTable)) {
                    continue;
                }
                String create = null;
                if (createStatements) {
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + Identifiers.quote(schema, name))) {
                        rs.next();
                        create = rs.getString(2).replaceAll(" AUTO_INCREMENT=\\d+", "");
                    }
                }
                Map<String, String> options = new TreeMap<>();
                options.put("engine", String.valueOf(row[1]));
                options.put("row_format", String.valueOf(row[2]));
                options.put("collation", String.valueOf(row[3]));
                tables.put(name, new Table(name, new LinkedHashMap<>(), new TreeMap<>(), new TreeMap<>(), create, options, new TreeMap<>()));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, column_name, ordinal_position, column_type, is_nullable,"
                + " column_default, extra, collation_name FROM information_schema.columns WHERE table_schema = ?"
                + " ORDER BY table_name, ordinal_position")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Table table = tables.get(rs.getString(1));
                    if (table != null) {
                        String definition = Identifiers.quote(rs.getString(2)) + " " + rs.getString(4) + ("YES".equals(rs.getString(5)) ? " NULL" : " NOT NULL")
                                + (rs.getString(6) == null || "NULL".equals(rs.getString(6)) && "YES".equals(rs.getString(5)) ? ""
                                        : " DEFAULT " + rs.getString(6))
                                + (rs.getString(7) == null || rs.getString(7).isBlank() ? "" : " " + rs.getString(7).replace("DEFAULT_GENERATED", "").trim());
                        table.columns().put(rs.getString(2), new Column(rs.getString(2), rs.getInt(3), definition.trim(), rs.getString(8)));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, index_name, non_unique, column_name, sub_part, collation"
                + " FROM information_schema.statistics WHERE table_schema = ? ORDER BY table_name, index_name, seq_in_index")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Table table = tables.get(rs.getString(1));
                    if (table != null) {
                        Index index = table.indexes().computeIfAbsent(rs.getString(2), n -> new Index(n, false, new ArrayList<>(),
                                new ArrayList<>()));
                        index.columns().add(rs.getString(4));
                        index.parts().add(rs.getString(4) + (rs.getObject(5) == null ? "" : "(" + rs.getInt(5) + ")")
                                + ("D".equals(rs.getString(6)) ? " DESC" : ""));
                        if (rs.getInt(3) == 0 && !index.unique()) {
                            table.indexes().put(index.name(), new Index(index.name(), true, index.columns(), index.parts()));
                        }
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT k.table_name, k.constraint_name, k.column_name, k.referenced_table_name,"
                + " k.referenced_column_name, r.delete_rule, r.update_rule FROM information_schema.key_column_usage k"
                + " JOIN information_schema.referential_constraints r ON r.constraint_schema = k.constraint_schema"
                + " AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name"
                + " WHERE k.table_schema = ? AND k.referenced_table_name IS NOT NULL ORDER BY k.table_name, k.constraint_name, k.ordinal_position")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Table table = tables.get(rs.getString(1));
                    if (table != null) {
                        ForeignKey fk = table.foreignKeys().computeIfAbsent(rs.getString(2), n -> {
                            try {
                                return new ForeignKey(n, new ArrayList<>(), rs.getString(4), new ArrayList<>(), rs.getString(6), rs.getString(7));
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        fk.columns().add(rs.getString(3));
                        fk.referencedColumns().add(rs.getString(5));
                    }
                }
            }
        }
        // Check constraints (MariaDB 10.2+, MySQL 8.0.16+); a server without the view has none to report.
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, constraint_name, check_clause FROM information_schema.check_constraints"
                + " WHERE constraint_schema = ? ORDER BY table_name, constraint_name")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Table table = tables.get(rs.getString(1));
                    if (table != null) {
                        table.checks().put(rs.getString(2), rs.getString(3));
                    }
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != 1109 && e.getErrorCode() != 1054) {
                throw e;
            }
        }
        return new SchemaSnapshot(schema, tables);
    }

    /** The first column of a one-parameter query, for the schema reads of this package. */
    static List<String> strings(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            List<String> values = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }
}
