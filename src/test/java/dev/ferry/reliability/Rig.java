package dev.ferry.reliability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.ferry.support.EmbeddedServersResource;
import dev.ferry.support.KafkaTestClient;

/**
 * One fault scenario's world: its own topics, consumer group, ledger schema and targets on the
 * shared servers, so packaged Ferry processes of this scenario see nothing of any other.
 */
final class Rig {

    final String name;
    final Map<String, String> config;
    final KafkaTestClient kafka;

    private Rig(String name, Map<String, String> config, KafkaTestClient kafka) {
        this.name = name;
        this.config = config;
        this.kafka = kafka;
    }

    /** A scenario named {@code name} (letters only), with Kratos at {@code kratosUrl}. */
    static Rig create(String name, String kratosUrl) {
        Map<String, String> config = new HashMap<>(new EmbeddedServersResource().start());
        return create(name, kratosUrl, config, KafkaTestClient.withTopicPrefix("rel-" + name + "-"));
    }

    /** As {@link #create(String, String)}, on a broker and a database of the scenario's own, which it may stop. */
    static Rig onOwnServers(String name, String kratosUrl, String bootstrap, int databasePort) {
        Map<String, String> config = new HashMap<>(new EmbeddedServersResource().start());
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("ferry.db.host", "127.0.0.1");
        config.put("ferry.db.port", String.valueOf(databasePort));
        config.put("ferry.db.username", "root");
        config.put("ferry.db.password", "");
        return create(name, kratosUrl, config, KafkaTestClient.on(bootstrap, "rel-" + name + "-"));
    }

    private static Rig create(String name, String kratosUrl, Map<String, String> config, KafkaTestClient kafka) {
        config.putAll(kafka.topicConfig());
        config.put("mp.messaging.incoming.migration-requests.group.id", "ferry-rel-" + name);
        config.put("%test.ferry.db.schema", ledgerSchema(name));
        config.put("ferry.kratos.admin-url", kratosUrl);
        return new Rig(name, config, kafka);
    }

    static String ledgerSchema(String name) {
        return "ferry_test_rel_" + name;
    }

    /** {@code count} targets of the example project, named {@code <name>0..}, each in its own schema; the first one backs the audit API. */
    List<String> exampleTargets(int count) {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String target = name + i;
            config.put("ferry.targets." + target + ".locations", "classpath:db/alkemio");
            config.put("ferry.targets." + target + ".jdbc-url", jdbcUrl(schema(target)) + "?createDatabaseIfNotExist=true");
            config.put("ferry.targets." + target + ".username", config.get("ferry.db.username"));
            config.put("ferry.targets." + target + ".password", config.get("ferry.db.password"));
            targets.add(target);
        }
        // The audit API reads the first of them, once migrated.
        config.put("%test.ferry.audit.target", targets.get(0));
        config.put("%test.quarkus.datasource.audit.reactive.url", "mysql://" + config.get("ferry.db.host") + ":" + config.get("ferry.db.port")
                + "/" + schema(targets.get(0)));
        return targets;
    }

    static String schema(String target) {
        return "ferry_test_rel_t_" + target;
    }

    /** A schema on this scenario's database server (the shared one, or its own). */
    String jdbcUrl(String schema) {
        return "jdbc:mariadb://" + config.get("ferry.db.host") + ":" + config.get("ferry.db.port") + "/" + schema;
    }

    Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(schema), config.get("ferry.db.username"), config.get("ferry.db.password"));
    }

    void execute(String schema, String sql) throws SQLException {
        try (Connection c = connect(schema); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    long count(String schema, String sql) throws SQLException {
        try (Connection c = connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Versions the target's history holds more than once: a script applied twice. */
    long versionsRecordedTwice(String target) throws SQLException {
        return count(schema(target), "SELECT COUNT(*) FROM (SELECT version FROM flyway_schema_history WHERE version IS NOT NULL"
                + " GROUP BY version HAVING COUNT(*) > 1) twice");
    }

    List<String> column(String schema, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
