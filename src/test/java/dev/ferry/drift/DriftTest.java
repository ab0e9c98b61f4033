package dev.ferry.drift;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.support.AsOperator;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.Tags;
import dev.ferry.support.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Changes made outside Ferry, one of each kind, are every one found with what the scripts expect and
 * what the live schema has; a clean target reports nothing, also after revert and re-migrate; a drifted
 * target refuses migrate, a forced run alerts, and the scheduled check alerts once per distinct drift.
 */
@QuarkusTest
@Tag(Tags.QUARKUS)
@ExtendWith(AsOperator.class)
class DriftTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String SCHEMA = "ferry_test_drifting";
    private static final Path FOLDER = Path.of("target/test-work/drifting");

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyKindOfOutOfBandChangeIsFoundAndADriftedTargetRefusesChanges() throws Exception {
        TestInfrastructure.freshTarget(SCHEMA, FOLDER);
        Files.writeString(FOLDER.resolve("V1__shapes.sql"), """
                CREATE TABLE d_parent (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL);
                CREATE TABLE d_child (id INT PRIMARY KEY, parent_id INT, amount DECIMAL(10,2) DEFAULT 0,
                  note VARCHAR(50) COLLATE utf8mb4_unicode_ci, flag TINYINT NOT NULL DEFAULT 1, created DATETIME, updated TIMESTAMP NULL,
                  KEY ix_amount (amount), KEY ix_flag (flag), UNIQUE KEY uq_note (note(20)),
                  CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES d_parent (id) ON DELETE CASCADE,
                  CONSTRAINT chk_amount CHECK (amount >= 0));
                CREATE TABLE d_item (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_item_parent FOREIGN KEY (parent_id) REFERENCES d_parent (id));
                CREATE TABLE d_opts (id INT PRIMARY KEY, a INT, b INT, KEY ix_opts_a (a), CONSTRAINT chk_a CHECK (a > 0)) ROW_FORMAT=DYNAMIC;
                CREATE TABLE d_engine (id INT PRIMARY KEY) ENGINE=InnoDB;
                CREATE TABLE d_coll (id INT PRIMARY KEY) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci;
                CREATE TABLE d_gone (id INT PRIMARY KEY);
                """);
        Files.writeString(FOLDER.resolve("U1__shapes.sql"), """
                DROP TABLE d_child;
                DROP TABLE d_item;
                DROP TABLE d_opts;
                DROP TABLE d_engine;
                DROP TABLE d_coll;
                DROP TABLE d_gone;
                DROP TABLE d_parent;
                """);
        assertThat(send("migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");

        // No false positive: a clean target, checked again (the expected schema from the cache), and after revert and re-migrate.
        JsonNode first = drift();
        assertThat(first.path("clean").asBoolean()).as(first.toString()).isTrue();
        JsonNode second = drift();
        assertThat(second.path("clean").asBoolean()).isTrue();
        assertThat(second.path("expectedFromCache").asBoolean()).isTrue();
        JsonNode reverted = send("revert", Map.of("force", true, "reason", "drift test"));
        assertThat(reverted.path("status").asText()).as(reverted.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        assertThat(drift().path("clean").asBoolean()).as("after revert").isTrue();
        assertThat(send("migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(drift().path("clean").asBoolean()).as("after re-migrate").isTrue();

        List<String> outOfBand = List.of(
                "ALTER TABLE d_child ADD COLUMN extra_col INT",
                "ALTER TABLE d_child DROP COLUMN created",
                "ALTER TABLE d_child MODIFY amount DECIMAL(12,2) DEFAULT 0",
                "ALTER TABLE d_parent MODIFY code VARCHAR(10) NULL",
                "ALTER TABLE d_child ALTER flag SET DEFAULT 2",
                "ALTER TABLE d_child MODIFY updated TIMESTAMP NULL ON UPDATE CURRENT_TIMESTAMP",
                "ALTER TABLE d_child MODIFY note VARCHAR(50) COLLATE utf8mb4_bin",
                "ALTER TABLE d_opts MODIFY b INT AFTER id",
                "ALTER TABLE d_child DROP INDEX ix_amount",
                "CREATE INDEX ix_extra ON d_parent (code)",
                "ALTER TABLE d_child DROP INDEX uq_note, ADD UNIQUE KEY uq_note (note(30))",
                "ALTER TABLE d_child DROP INDEX ix_flag, ADD UNIQUE INDEX ix_flag (flag)",
                "ALTER TABLE d_opts DROP INDEX ix_opts_a, ADD INDEX ix_opts_a (a DESC)",
                "ALTER TABLE d_child DROP FOREIGN KEY fk_child_parent",
                "ALTER TABLE d_opts ADD CONSTRAINT fk_opts_parent FOREIGN KEY (b) REFERENCES d_parent (id)",
                "ALTER TABLE d_item DROP FOREIGN KEY fk_item_parent",
                "ALTER TABLE d_item ADD CONSTRAINT fk_item_parent FOREIGN KEY (parent_id) REFERENCES d_parent (id) ON DELETE SET NULL",
                "ALTER TABLE d_child DROP CONSTRAINT chk_amount",
                "ALTER TABLE d_parent ADD CONSTRAINT chk_code CHECK (code <> '')",
                "ALTER TABLE d_opts DROP CONSTRAINT chk_a, ADD CONSTRAINT chk_a CHECK (a > 1)",
                "ALTER TABLE d_engine ENGINE=MyISAM",
                "ALTER TABLE d_opts ROW_FORMAT=COMPACT",
                "ALTER TABLE d_coll DEFAULT COLLATE utf8mb4_bin",
                "DROP TABLE d_gone",
                "CREATE TABLE d_extra (id INT PRIMARY KEY)",
                "CREATE TABLE tmp_scratch (id INT PRIMARY KEY)");
        for (String change : outOfBand) {
            TestInfrastructure.execute(SCHEMA, change);
        }

        JsonNode report = drift();
        assertThat(report.path("clean").asBoolean()).isFalse();
        Set<String> found = new HashSet<>();
        List<String> all = new ArrayList<>();
        report.path("differences").forEach(d -> {
            String where = d.path("kind").asText() + " " + d.path("table").asText() + (d.has("name") ? "." + d.path("name").asText() : "");
            found.add(where);
            all.add(where + " expected=" + d.path("expected").asText(null) + " actual=" + d.path("actual").asText(null));
        });
        assertThat(found).as(String.join("\n", all)).contains(
                "column-extra d_child.extra_col", "column-missing d_child.created", "column-changed d_child.amount",
                "column-changed d_parent.code", "column-changed d_child.flag", "column-changed d_child.updated",
                "column-collation d_child.note", "column-order d_opts", "index-missing d_child.ix_amount", "index-extra d_parent.ix_extra",
                "index-changed d_child.uq_note", "index-changed d_child.ix_flag", "index-changed d_opts.ix_opts_a",
                "foreign-key-missing d_child.fk_child_parent", "foreign-key-extra d_opts.fk_opts_parent",
                "foreign-key-changed d_item.fk_item_parent", "check-missing d_child.chk_amount", "check-extra d_parent.chk_code",
                "check-changed d_opts.chk_a", "table-option d_engine.engine", "table-option d_opts.row_format",
                "table-option d_coll.collation", "table-missing d_gone", "table-extra d_extra");
        assertThat(found).as("ignored by drift.ignore-tables").noneMatch(f -> f.contains("tmp_scratch"));
        assertThat(value(report, "column-changed", "d_child", "amount", "expected")).contains("decimal(10,2)");
        assertThat(value(report, "column-changed", "d_child", "amount", "actual")).contains("decimal(12,2)");
        assertThat(value(report, "index-changed", "d_child", "uq_note", "actual")).isEqualTo("UNIQUE (note(30))");
        assertThat(value(report, "table-option", "d_engine", "engine", "expected")).isEqualTo("InnoDB");
        assertThat(value(report, "table-option", "d_engine", "engine", "actual")).isEqualTo("MyISAM");

        // The scheduled check (every second for this target) alerts once per distinct drift, not at every check: checks that
        // ran while the changes above were made saw drifts of their own; the standing drift then raises nothing more for 4 s
        // (four more checks).
        Awaitility.await().atMost(WAIT).until(() -> kafka.alertsOf("drifting", "schema-drift").size() >= 1);
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger(-1);
        Awaitility.await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(30))
                .until(() -> {
                    int now = kafka.alertsOf("drifting", "schema-drift").size();
                    return now == seen.getAndSet(now);
                });
        assertThat(seen.get()).isPositive();
        assertThat(given().get("/q/metrics").then().extract().asString())
                .containsPattern("ferry_schema_drift_objects\\{target=\"drifting\"[^}]*\\} [1-9]");

        // A drifted target refuses a change; a forced one runs and is alerted as forced.
        Files.writeString(FOLDER.resolve("V2__more.sql"), "CREATE TABLE d_more (id INT PRIMARY KEY);\n");
        JsonNode refused = send("migrate", Map.of());
        assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("SCHEMA_DRIFT");
        assertThat(refused.path("error").path("details").path("drift").size()).isGreaterThanOrEqualTo(24);
        String forced = "migrate-drifting-" + UUID.randomUUID();
        kafka.request(forced, "migrate", "drifting", new HashMap<>(Map.of("force", true, "reason", "hotfix accepted")));
        assertThat(kafka.awaitResult(forced, WAIT).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(kafka.awaitAlerts(forced, 1, WAIT)).extracting(a -> a.path("kind").asText()).contains("forced-run");

        // The drift action reports the same as the endpoint.
        JsonNode action = send("drift", Map.of());
        assertThat(action.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(action.path("drift").path("clean").asBoolean()).isFalse();
    }

    @Test
    void aHandChangeToKeepIsCapturedWithGenerateAndRecordedWithoutRunning() throws Exception {
        String schema = "ferry_test_capturing";
        Path folder = Path.of("target/test-work/capturing");
        TestInfrastructure.freshTarget(schema, folder);
        Files.writeString(folder.resolve("V1__orders.sql"), "CREATE TABLE orders (id INT PRIMARY KEY, total INT);\n");
        assertThat(send("capturing", "migrate", Map.of()).path("status").asText()).isEqualTo("SUCCEEDED");
        // The hotfix made by hand in production, which should stay.
        TestInfrastructure.execute(schema, "ALTER TABLE orders ADD COLUMN shipped_at DATETIME NULL, ADD INDEX ix_orders_shipped (shipped_at)");
        JsonNode drifted = json.readTree(given().get("/api/targets/capturing/drift").then().statusCode(200).extract().asString());
        assertThat(drifted.path("objects").asInt()).isEqualTo(2);

        JsonNode generated = send("capturing", "generate", Map.of("options", Map.of("from", schema, "name", "hotfix_shipped")));
        assertThat(generated.path("status").asText()).as(generated.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        for (JsonNode script : generated.path("plan")) {
            Files.writeString(folder.resolve(script.path("script").asText()), script.path("sql").asText());
        }
        assertThat(Files.exists(folder.resolve("V2__hotfix_shipped.sql"))).isTrue();

        JsonNode refusedWithoutForce = send("capturing", "migrate", Map.of("options", Map.of("recordOnly", true)));
        assertThat(refusedWithoutForce.path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        JsonNode recorded = send("capturing", "migrate", Map.of("options", Map.of("recordOnly", true), "force", true,
                "reason", "keep hotfix 42"));
        assertThat(recorded.path("status").asText()).as(recorded.path("error").path("message").asText()).isEqualTo("SUCCEEDED");
        assertThat(recorded.path("versionAfter").asText()).isEqualTo("2");
        JsonNode after = json.readTree(given().get("/api/targets/capturing/drift").then().statusCode(200).extract().asString());
        assertThat(after.path("clean").asBoolean()).as(after.toString()).isTrue();
    }

    private static String value(JsonNode report, String kind, String table, String name, String side) {
        for (JsonNode d : report.path("differences")) {
            if (d.path("kind").asText().equals(kind) && d.path("table").asText().equals(table) && d.path("name").asText().equals(name)) {
                return d.path(side).asText(null);
            }
        }
        return null;
    }

    private JsonNode drift() throws Exception {
        return json.readTree(given().get("/api/targets/drifting/drift").then().statusCode(200).extract().asString());
    }

    private JsonNode send(String action, Map<String, Object> extra) {
        return send("drifting", action, extra);
    }

    private JsonNode send(String target, String action, Map<String, Object> extra) {
        String id = action + "-" + target + "-" + UUID.randomUUID();
        kafka.request(id, action, target, new HashMap<>(extra));
        return kafka.awaitResult(id, WAIT);
    }
}
