package dev.ferry.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Plain JUnit: which schemas a statement reaches besides its own. */
class SchemaReferencesTest {

    @Test
    void qualifiedNamesAndUseReachOtherSchemas() {
        assertThat(SchemaReferences.outside("USE mysql", "app")).containsExactly("mysql");
        assertThat(SchemaReferences.outside("DELETE FROM `live db`.`user` WHERE id = 1", "app")).containsExactly("live db");
        assertThat(SchemaReferences.outside("INSERT INTO audit.log SELECT * FROM app.t JOIN other.u ON 1 = 1", "app"))
                .containsExactly("audit", "other");
        assertThat(SchemaReferences.outside("CALL ops.cleanup()", "app")).containsExactly("ops");
        assertThat(SchemaReferences.outside("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES other.p (id)", "app"))
                .containsExactly("other");
    }

    @Test
    void ownSchemaAliasesStringsAndCommentsReachNothing() {
        assertThat(SchemaReferences.outside("UPDATE APP.t SET a = 1", "app")).isEmpty();
        assertThat(SchemaReferences.outside("UPDATE t x JOIN u y ON x.id = y.id SET x.a = y.a", "app")).isEmpty();
        assertThat(SchemaReferences.outside("INSERT INTO t VALUES ('see other.t', \"from x.y\") -- USE mysql", "app")).isEmpty();
    }

    @Test
    void preparedStatementsAreUnseenWhenAsked() {
        String script = "SET @s = 'DELETE FROM live.t';\nPREPARE p FROM @s;\nEXECUTE p;\n";
        assertThat(SchemaReferences.inScript(script, "app", false)).isEmpty();
        assertThat(SchemaReferences.inScript(script, "app", true)).extracting(SchemaReferences.Reference::line).containsExactly(2, 3);
    }
}
