package dev.ferry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The statements between two schema snapshots, built by hand: no server. */
class SchemaDiffTest {

    @Test
    void identicalSchemasNeedNothing() {
        SchemaSnapshot schema = schema(users(column("id", 1, "`id` int(11) NOT NULL"), column("email", 2, "`email` varchar(255) DEFAULT NULL")));
        assertThat(SchemaDiff.between(schema, schema).isEmpty()).isTrue();
    }

    @Test
    void aNewTableIsCreatedAndItsUndoDropsIt() {
        SchemaSnapshot before = schema();
        SchemaSnapshot after = schema(users(column("id", 1, "`id` int(11) NOT NULL")));
        SchemaDiff.Scripts scripts = SchemaDiff.between(before, after);
        assertThat(scripts.forward()).containsExactly("CREATE TABLE `users` (`id` int(11) NOT NULL)");
        assertThat(scripts.undo()).singleElement().asString().startsWith("-- ferry:allow drop-table").endsWith("DROP TABLE `users`");
    }

    @Test
    void columnsAreAddedInPlaceChangedAndDroppedWithTheirInverse() {
        SchemaSnapshot before = schema(users(column("id", 1, "`id` int(11) NOT NULL"), column("name", 2, "`name` varchar(50) DEFAULT NULL"),
                column("legacy", 3, "`legacy` int(11) DEFAULT NULL")));
        SchemaSnapshot after = schema(users(column("id", 1, "`id` int(11) NOT NULL"), column("email", 2, "`email` varchar(255) NOT NULL"),
                column("name", 3, "`name` varchar(100) DEFAULT NULL")));
        SchemaDiff.Scripts scripts = SchemaDiff.between(before, after);
        assertThat(scripts.forward()).containsExactly(
                "ALTER TABLE `users` ADD COLUMN `email` varchar(255) NOT NULL AFTER `id`",
                "ALTER TABLE `users` MODIFY COLUMN `name` varchar(100) DEFAULT NULL",
                "-- ferry:allow drop-column the reference schema has no legacy\nALTER TABLE `users` DROP COLUMN `legacy`");
        assertThat(scripts.undo()).containsExactly(
                "ALTER TABLE `users` ADD COLUMN `legacy` int(11) DEFAULT NULL",
                "ALTER TABLE `users` MODIFY COLUMN `name` varchar(50) DEFAULT NULL",
                "-- ferry:allow drop-column undoing the generated script removes the column it added\nALTER TABLE `users` DROP COLUMN `email`");
        assertThat(scripts.differences(5)).first().isEqualTo("ALTER TABLE `users` ADD COLUMN `email` varchar(255) NOT NULL AFTER `id`");
        assertThat(scripts.differences(5).get(2)).isEqualTo("ALTER TABLE `users` DROP COLUMN `legacy`");
    }

    @Test
    void aChangedIndexIsReplacedAndAForeignKeysOwnIndexGoesWithIt() {
        SchemaSnapshot.Index byEmail = new SchemaSnapshot.Index("ix_email", false, List.of("email"), List.of("email"));
        SchemaSnapshot.Index uniqueEmail = new SchemaSnapshot.Index("ix_email", true, List.of("email"), List.of("email"));
        SchemaSnapshot.Index fkIndex = new SchemaSnapshot.Index("fk_org", false, List.of("org_id"), List.of("org_id"));
        SchemaSnapshot.ForeignKey fk = new SchemaSnapshot.ForeignKey("fk_org", List.of("org_id"), "orgs", List.of("id"), "CASCADE", "RESTRICT");
        SchemaSnapshot.Column[] columns = { column("id", 1, "`id` int(11) NOT NULL"), column("email", 2, "`email` varchar(255)"),
            column("org_id", 3, "`org_id` int(11)") };
        SchemaSnapshot before = schema(table("users", Map.of("ix_email", byEmail), Map.of(), columns));
        SchemaSnapshot after = schema(table("users", Map.of("ix_email", uniqueEmail, "fk_org", fkIndex), Map.of("fk_org", fk), columns));
        SchemaDiff.Scripts scripts = SchemaDiff.between(before, after);
        assertThat(scripts.forward()).containsExactlyInAnyOrder(
                "ALTER TABLE `users` DROP INDEX `ix_email`, ADD UNIQUE INDEX `ix_email` (`email`)",
                "ALTER TABLE `users` ADD CONSTRAINT `fk_org` FOREIGN KEY (`org_id`) REFERENCES `orgs` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT");
        assertThat(scripts.undo()).contains("ALTER TABLE `users` DROP FOREIGN KEY `fk_org`, DROP INDEX `fk_org`",
                "ALTER TABLE `users` DROP INDEX `ix_email`, ADD INDEX `ix_email` (`email`)");
    }

    @Test
    void aTableOnlyTheLiveSchemaHasIsDroppedAndItsUndoRecreatesIt() {
        SchemaSnapshot before = schema(users(column("id", 1, "`id` int(11) NOT NULL")));
        SchemaDiff.Scripts scripts = SchemaDiff.between(before, schema());
        assertThat(scripts.forward()).containsExactly("-- ferry:allow drop-table the reference schema has no users\nDROP TABLE `users`");
        assertThat(scripts.undo()).containsExactly("CREATE TABLE `users` (`id` int(11) NOT NULL)");
    }

    private static SchemaSnapshot.Column column(String name, int position, String definition) {
        return new SchemaSnapshot.Column(name, position, definition, null);
    }

    private static SchemaSnapshot.Table users(SchemaSnapshot.Column... columns) {
        return table("users", Map.of(), Map.of(), columns);
    }

    private static SchemaSnapshot.Table table(String name, Map<String, SchemaSnapshot.Index> indexes,
            Map<String, SchemaSnapshot.ForeignKey> foreignKeys, SchemaSnapshot.Column... columns) {
        Map<String, SchemaSnapshot.Column> byName = new LinkedHashMap<>();
        for (SchemaSnapshot.Column column : columns) {
            byName.put(column.name(), column);
        }
        String create = "CREATE TABLE `" + name + "` (" + String.join(", ", byName.values().stream().map(SchemaSnapshot.Column::definition)
                .toList()) + ")";
        return new SchemaSnapshot.Table(name, byName, new LinkedHashMap<>(indexes), new LinkedHashMap<>(foreignKeys), create, Map.of(), Map.of());
    }

    private static SchemaSnapshot schema(SchemaSnapshot.Table... tables) {
        Map<String, SchemaSnapshot.Table> byName = new LinkedHashMap<>();
        for (SchemaSnapshot.Table table : tables) {
            byName.put(table.name(), table);
        }
        return new SchemaSnapshot("app", byName);
    }
}
