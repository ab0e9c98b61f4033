package dev.ferry.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestInfrastructure;
import dev.ferry.support.Tags;
import dev.ferry.validation.SchemaDiff;
import dev.ferry.validation.SchemaSnapshot;
import io.quarkus.test.junit.QuarkusTest;

/** generate: draft scripts that, applied, leave no difference, and whose undo restores the original. */
@QuarkusTest
@Tag(Tags.QUARKUS)
class ScriptGeneratorTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void generatedScriptsRoundTrip() throws SQLException {
        recreate("ferry_test_genref");
        execute("ferry_test_genref", "CREATE TABLE category (id INT NOT NULL PRIMARY KEY, title VARCHAR(64) NOT NULL)");
        execute("ferry_test_genref", "CREATE TABLE item (id INT NOT NULL PRIMARY KEY, name VARCHAR(128) NOT NULL,"
                + " price DECIMAL(10,2) NULL DEFAULT 0.00, categoryId INT NULL, INDEX ix_item_name (name),"
                + " CONSTRAINT fk_item_category FOREIGN KEY (categoryId) REFERENCES category (id) ON DELETE SET NULL)");

        JsonNode result = generate("ferry_test_genref");

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode plan = result.path("plan");
        assertThat(plan).extracting(p -> p.path("script").asText()).containsExactly("V3__catalogue.sql", "U3__catalogue.sql");
        String forward = plan.get(0).path("sql").asText();
        String undo = plan.get(1).path("sql").asText();
        assertThat(forward).contains("CREATE TABLE `category`").contains("DROP TABLE `tag`").contains("MODIFY COLUMN `name` varchar(128)");

        String scriptsOnly = scriptsApplied("ferry_test_genrt");
        SchemaSnapshot original = snapshot(scriptsOnly);
        run(scriptsOnly, forward);
        assertThat(diff(snapshot(scriptsOnly), snapshot("ferry_test_genref")).forward()).isEmpty();
        run(scriptsOnly, undo);
        assertThat(diff(snapshot(scriptsOnly), original).forward()).isEmpty();
    }

    @Test
    void anIdenticalReferenceSaysThereIsNoDifference() throws SQLException {
        String same = scriptsApplied("ferry_test_gensame");

        JsonNode result = generate(same);

        assertThat(result.path("plan")).hasSize(1);
        assertThat(result.path("plan").get(0).path("description").asText()).startsWith("no differences");
    }

    @Test
    void onlyTheTargetsReferenceSchemasMayBeComparedWith() {
        for (String schema : new String[] { "ferry_test", "mysql", "information_schema" }) {
            JsonNode refused = generate(schema);
            assertThat(refused.path("status").asText()).as(schema).isEqualTo("REJECTED");
            assertThat(refused.path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
            assertThat(refused.path("error").path("message").asText()).contains("options.from").contains("ferry_test_genref");
        }
    }

    private JsonNode generate(String from) {
        String id = "generate-" + UUID.randomUUID();
        kafka.request(id, "generate", "gen", Map.of("options", Map.of("from", from, "name", "catalogue")));
        return kafka.awaitResult(id, Duration.ofSeconds(60));
    }

    private static String scriptsApplied(String schema) throws SQLException {
        recreate(schema);
        Flyway.configure().dataSource(TestInfrastructure.jdbcUrl(schema), TestInfrastructure.username(), TestInfrastructure.password())
                .locations("filesystem:src/test/resources/test-targets/gen").load().migrate();
        return schema;
    }

    private static SchemaSnapshot snapshot(String schema) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema)) {
            return SchemaSnapshot.read(c, schema, "flyway_schema_history");
        }
    }

    private static SchemaDiff.Scripts diff(SchemaSnapshot current, SchemaSnapshot desired) {
        return SchemaDiff.between(current, desired);
    }

    private static void run(String schema, String script) throws SQLException {
        for (String statement : script.split(";\\n\\n")) {
            if (!statement.replaceAll("(?m)^--.*$", "").isBlank()) {
                execute(schema, statement);
            }
        }
    }

    private static void recreate(String schema) throws SQLException {
        try (Connection c = TestInfrastructure.connect(""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + schema + "`");
            s.execute("CREATE DATABASE `" + schema + "`");
        }
    }

    private static void execute(String schema, String sql) throws SQLException {
        try (Connection c = TestInfrastructure.connect(schema); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
