package dev.ferry.lint.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.ferry.lint.structure.TableChange.KeyKind;

/** The shape of tables read from statements, including syntax JSqlParser does not read. */
class TableChangeTest {

    @Test
    void readsATableWithItsColumnsKeysAndOptions() {
        TableChange t = TableChange.of("CREATE TABLE IF NOT EXISTS app.`credential` (id CHAR(36) NOT NULL, token CHAR(36) NOT NULL DEFAULT (UUID()),"
                + " agentId CHAR(36) NULL, PRIMARY KEY (id), UNIQUE KEY uk_token (token(8)), KEY IDX_agent (agentId DESC),"
                + " CONSTRAINT FK_agent FOREIGN KEY (agentId) REFERENCES agent (id) ON DELETE SET NULL, CHECK (id <> ''))"
                + " ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE utf8mb4_bin").orElseThrow();
        assertThat(t.table()).isEqualTo("credential");
        assertThat(t.creates()).isTrue();
        assertThat(t.columns()).extracting(TableChange.Column::name).containsExactly("id", "token", "agentId");
        assertThat(t.columns().get(1).defaultValue()).contains("(UUID())");
        assertThat(t.columns().get(2).nullable()).isTrue();
        assertThat(t.keys()).extracting(k -> k.kind() + " " + k.name() + " " + k.columns()).containsExactly("PRIMARY PRIMARY [id]",
                "UNIQUE uk_token [token]", "INDEX IDX_agent [agentId]", "FOREIGN FK_agent [agentId]", "CHECK null []");
        assertThat(t.keys().get(3).onDelete()).isEqualTo("SET NULL");
        assertThat(t.options()).containsEntry("ENGINE", "InnoDB").containsEntry("CHARSET", "utf8mb4").containsEntry("COLLATE", "utf8mb4_bin");
    }

    @Test
    void readsTheClausesOfAnAlter() {
        TableChange t = TableChange.of("ALTER TABLE `user` ADD COLUMN agentId CHAR(36) NULL, ADD UNIQUE KEY REL_user_agent (agentId),"
                + " MODIFY name VARCHAR(20) CHARACTER SET latin1, CHANGE old renamed INT, DROP PRIMARY KEY, ENGINE=MyISAM, ALGORITHM=COPY")
                .orElseThrow();
        assertThat(t.creates()).isFalse();
        assertThat(t.columns()).extracting(c -> c.name() + " " + c.type()).containsExactly("agentId char", "name varchar", "renamed int");
        assertThat(t.columns().get(1).charset()).contains("latin1");
        assertThat(t.keys()).extracting(TableChange.Key::kind).containsExactly(KeyKind.UNIQUE);
        assertThat(t.dropsPrimaryKey()).isTrue();
        assertThat(t.options()).containsEntry("ENGINE", "MyISAM");
    }

    @Test
    void readsMariaDbSyntax() {
        TableChange t = TableChange.of("CREATE TABLE price (id INT PRIMARY KEY, v INT, start_at DATETIME(6), end_at DATETIME(6),"
                + " PERIOD FOR valid (start_at, end_at)) WITH SYSTEM VERSIONING").orElseThrow();
        assertThat(t.columns()).extracting(TableChange.Column::name).containsExactly("id", "v", "start_at", "end_at");
        assertThat(t.keys()).extracting(TableChange.Key::kind).containsExactly(KeyKind.PRIMARY);
    }

    @Test
    void readsAnIndexAndIgnoresWhatIsNoTableChange() {
        TableChange t = TableChange.of("CREATE UNIQUE INDEX ux_email ON account (email, tenant) ALGORITHM=INPLACE").orElseThrow();
        assertThat(t.table()).isEqualTo("account");
        assertThat(t.keys()).singleElement().satisfies(k -> {
            assertThat(k.kind()).isEqualTo(KeyKind.UNIQUE);
            assertThat(k.columns()).isEqualTo(List.of("email", "tenant"));
        });
        assertThat(TableChange.of("CREATE TEMPORARY TABLE tmp (id INT)")).isEmpty();
        assertThat(TableChange.of("CREATE VIEW v AS SELECT 1")).isEmpty();
        assertThat(TableChange.of("INSERT INTO t VALUES (1)")).isEmpty();
        assertThat(TableChange.of("CREATE TABLE copy LIKE other").orElseThrow().copies()).isTrue();
    }
}
