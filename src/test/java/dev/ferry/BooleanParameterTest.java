package dev.ferry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.ferry.problem.FerryException;

class BooleanParameterTest {

    @Test
    void onlyTrueAndFalseAreBooleans() {
        assertThat(BooleanParameter.parse("dryRun", null, true)).isTrue();
        assertThat(BooleanParameter.parse("dryRun", "false", true)).isFalse();
        assertThat(BooleanParameter.parseOptional("x", "true")).isTrue();
        for (String loose : new String[] { "1", "0", "yes", "on", "", "TRUE", "False", " true" }) {
            assertThatThrownBy(() -> BooleanParameter.parse("dryRun", loose, true)).as(loose).isInstanceOf(FerryException.class)
                    .hasMessageContaining("dryRun");
        }
    }
}
