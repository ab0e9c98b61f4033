package dev.ferry.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Where the shared test servers are, for code that talks to them directly (JDBC, Kafka clients). */
public final class TestInfrastructure {

    private static volatile Map<String, String> config;
    private static boolean schemasDropped;

    private TestInfrastructure() {
    }

    static void remember(Map<String, String> started) {
        config = Map.copyOf(started);
    }

    public static String bootstrapServers() {
        String fromEnv = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : config.get("kafka.bootstrap.servers");
    }

    /** A JDBC connection to one schema of the test server, e.g. {@code ferry_test_plain}. */
    public static Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(schema), username(), password());
    }

    /** Runs one statement in a schema of the test server. */
    public static void execute(String schema, String sql) throws SQLException {
        try (Connection c = connect(schema); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Whether {@code table} exists in {@code schema} (asked without the schema as default, which may not exist yet). */
    public static boolean tableExists(String schema, String table) throws SQLException {
        try (Connection c = connect(""); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    /** A target's test setup: its schema dropped and created empty, its script folder emptied (created if missing). */
    public static void freshTarget(String schema, java.nio.file.Path folder) throws SQLException, java.io.IOException {
        execute("", "DROP DATABASE IF EXISTS " + schema);
        // A target's own pool (createDatabaseIfNotExist, a scheduled drift check) may create it again, empty, in between.
        execute("", "CREATE DATABASE IF NOT EXISTS " + schema);
        java.nio.file.Files.createDirectories(folder);
        try (var files = java.nio.file.Files.list(folder)) {
            for (java.nio.file.Path file : files.toList()) {
                java.nio.file.Files.delete(file);
            }
        }
    }

    public static String jdbcUrl(String schema) {
        return "jdbc:mariadb://" + config.get("ferry.db.host") + ":" + config.get("ferry.db.port") + "/" + schema;
    }

    public static String username() {
        return config.get("ferry.db.username");
    }

    public static String password() {
        return config.get("ferry.db.password");
    }

    /** Adds a target named {@code name} on the test server, in {@code schema}, with these script locations. */
    public static void addTarget(Map<String, String> config, String name, String schema, String locations) {
        String prefix = "ferry.targets." + name + ".";
        config.put(prefix + "jdbc-url", jdbcUrl(schema) + "?createDatabaseIfNotExist=true");
        config.put(prefix + "username", username());
        config.put(prefix + "password", password());
        config.put(prefix + "locations", locations);
    }

    static synchronized void dropTestSchemasOnce() {
        if (schemasDropped) {
            return;
        }
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'ferry\\_test%'")) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
            for (String schema : schemas) {
                s.execute("DROP DATABASE `" + schema + "`");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare the test database: " + e.getMessage(), e);
        }
        schemasDropped = true;
    }
}
