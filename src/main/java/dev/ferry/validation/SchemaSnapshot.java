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

/** Tables, columns, indexes and foreign keys of one schema, read from information_schema. */
record SchemaSnapshot(String schema, Map<String, Table> tables) {

    record Table(String name, Map<String, Column> columns, Map<String, Index> indexes, Map<String, ForeignKey> foreignKeys,
            String createStatement) {
    }

    /** A column as its definition in ALTER TABLE would spell it. */
    record Column(String name, int position, String definition) {
    }

    record Index(String name, boolean unique, List<String> columns) {

        String definition() {
            String cols = Identifiers.quoteAll(columns);
            return name.equals("PRIMARY") ? "PRIMARY KEY (" + cols + ")"
                    : (unique ? "UNIQUE INDEX " : "INDEX ") + Identifiers.quote(name) + " (" + cols + ")";
        }
    }

    record ForeignKey(String name, List<String> columns, String referencedTable, List<String> referencedColumns, String onDelete,
            String onUpdate) {

        String definition() {
            return "CONSTRAINT " + Identifiers.quote(name) + " FOREIGN KEY (" + Identifiers.quoteAll(columns) + ") REFERENCES "
                    + Identifiers.quote(referencedTable) + " (" + Identifiers.quoteAll(referencedColumns) + ") ON DELETE " + onDelete
                    + " ON UPDATE " + onUpdate;
        }
    }

    static SchemaSnapshot read(Connection c, String schema, String ignoredTable) throws SQLException {
        Map<String, Table> tables = new TreeMap<>();
        for (String name : strings(c, "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'",
                schema)) {
            if (name.equalsIgnoreCase(ignoredTable)) {
                continue;
            }
            String create;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + Identifiers.quote(schema, name))) {
                rs.next();
                create = rs.getString(2).replaceAll(" AUTO_INCREMENT=\\d+", "");
            }
            tables.put(name, new Table(name, new LinkedHashMap<>(), new TreeMap<>(), new TreeMap<>(), create));
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, column_name, ordinal_position, column_type, is_nullable,"
                + " column_default, extra FROM information_schema.columns WHERE table_schema = ? ORDER BY table_name, ordinal_position")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Table table = tables.get(rs.getString(1));
                    if (table != null) {
                        String definition = Identifiers.quote(rs.getString(2)) + " " + rs.getString(4) + ("YES".equals(rs.getString(5)) ? " NULL" : " NOT NULL")
                                + (rs.getString(6) == null || "NULL".equals(rs.getString(6)) && "YES".equals(rs.getString(5)) ? ""
                                        : " DEFAULT " + rs.getString(6))
                                + (rs.getString(7) == null || rs.getString(7).isBlank() ? "" : " " + rs.getString(7).replace("DEFAULT_GENERATED", "").trim());
                        table.columns().put(rs.getString(2), new Column(rs.getString(2), rs.getInt(3), definition.trim()));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, index_name, non_unique, column_name FROM information_schema.statistics"
                + " WHERE table_schema = ? ORDER BY table_name, index_name, seq_in_index")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Table table = tables.get(rs.getString(1));
                    if (table != null) {
                        Index index = table.indexes().computeIfAbsent(rs.getString(2), n -> new Index(n, false, new ArrayList<>()));
                        index.columns().add(rs.getString(4));
                        if (rs.getInt(3) == 0 && !index.unique()) {
                            table.indexes().put(index.name(), new Index(index.name(), true, index.columns()));
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
