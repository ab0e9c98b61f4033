package dev.ferry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void aBacktickInsideANameIsDoubledSoItCannotEndTheQuote() {
        assertThat(Identifiers.quote("user")).isEqualTo("`user`");
        assertThat(Identifiers.quote("a`; DROP TABLE x; -- ")).isEqualTo("`a``; DROP TABLE x; -- `");
        assertThat(Identifiers.quote("sbx", "t`x")).isEqualTo("`sbx`.`t``x`");
        assertThat(Identifiers.quoteAll(List.of("id", "e`mail"))).isEqualTo("`id`, `e``mail`");
    }

    @Test
    void anEmptyNameIsRefused() {
        assertThatThrownBy(() -> Identifiers.quote("")).isInstanceOf(IllegalArgumentException.class);
    }
}
