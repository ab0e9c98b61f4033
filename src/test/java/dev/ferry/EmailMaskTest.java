package dev.ferry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailMaskTest {

    @Test
    void oneAddressKeepsItsFirstCharacterAndDomain() {
        assertThat(EmailMask.mask("jane.doe@example.org")).isEqualTo("j***@example.org");
        assertThat(EmailMask.mask("@example.org")).isEqualTo("***");
        assertThat(EmailMask.mask(null)).isNull();
    }

    @Test
    void everyAddressInsideAJsonTextIsMasked() {
        String json = "{\"changed\":[{\"id\":\"1\",\"email\":\"gen11@example.org\"}],\"note\":\"asked by ops+x@corp.example.com\"}";
        assertThat(EmailMask.maskAll(json)).isEqualTo("{\"changed\":[{\"id\":\"1\",\"email\":\"g***@example.org\"}],"
                + "\"note\":\"asked by o***@corp.example.com\"}");
        assertThat(EmailMask.maskAll("no address here")).isEqualTo("no address here");
    }
}
