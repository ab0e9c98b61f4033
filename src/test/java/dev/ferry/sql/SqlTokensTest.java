package dev.ferry.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlTokensTest {

    @Test
    void cutsWordsQuotedNamesStringsAndSymbols() {
        assertThat(SqlTokens.of("ALTER TABLE `my``t`.x ADD c VARCHAR(10) DEFAULT 'it''s' COMMENT \"q\"")).extracting(t -> t.kind() + ":" + t.text())
                .containsExactly("WORD:ALTER", "WORD:TABLE", "QUOTED:my`t", "SYMBOL:.", "WORD:x", "WORD:ADD", "WORD:c", "WORD:VARCHAR", "SYMBOL:(",
                        "WORD:10", "SYMBOL:)", "WORD:DEFAULT", "STRING:it's", "WORD:COMMENT", "QUOTED:q");
    }

    @Test
    void keepsNumbersAndSystemVariablesWhole() {
        assertThat(SqlTokens.of("SET @@global.sql_mode = 1.5")).extracting(SqlTokens.Token::text).containsExactly("SET", "@@global.sql_mode", "=", "1.5");
        assertThat(SqlTokens.of("'a\\'b'")).extracting(SqlTokens.Token::text).containsExactly("a'b");
    }

    @Test
    void aQuotedIdentifierIsNeverAKeyword() {
        assertThat(SqlTokens.of("`select`").get(0).is("SELECT")).isFalse();
        assertThat(SqlTokens.of("select").get(0).is("SELECT")).isTrue();
    }

    @Test
    void splitsAParenthesisedListAtItsTopLevelCommas() {
        var tokens = SqlTokens.of("(a INT, b DECIMAL(10,2), KEY k (a, b)) ENGINE=InnoDB");
        assertThat(SqlTokens.elements(tokens, 0)).hasSize(3);
        assertThat(tokens.get(SqlTokens.closing(tokens, 0)).text()).isEqualTo("ENGINE");
    }
}
