package dev.ferry.request.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.ferry.problem.FerryException;

class RolloutOptionsTest {

    @Test
    void theDefaultsAreACanaryThenTenFiftyAndAHundredPercent() {
        RolloutOptions options = RolloutOptions.of(Map.of());
        assertThat(options).isEqualTo(RolloutOptions.DEFAULTS);
        List<Integer> waves = options.wavesOf(20);
        assertThat(waves.get(0)).isZero();
        assertThat(Collections.frequency(waves, 1)).isEqualTo(1); // 10% of the other 19, rounded down to at least one
        assertThat(Collections.frequency(waves, 2)).isEqualTo(8);
        assertThat(Collections.frequency(waves, 3)).isEqualTo(10);
        assertThat(waves).isSorted();
    }

    @Test
    void wavesCoverEveryTargetInOrderWhateverTheFleetSize() {
        for (int targets = 0; targets <= 300; targets++) {
            List<Integer> waves = RolloutOptions.of(Map.of("canary", 2, "waves", List.of(5, 25, 100))).wavesOf(targets);
            assertThat(waves).hasSize(targets).isSorted();
            assertThat(waves).allMatch(w -> w >= 0 && w <= 3);
        }
    }

    @Test
    void aBudgetIsACountOrAShareOfTheTargets() {
        assertThat(RolloutOptions.of(Map.of("failureBudget", 2)).toleratedFailures(20)).isEqualTo(2);
        assertThat(RolloutOptions.of(Map.of("failureBudget", "10%")).toleratedFailures(200)).isEqualTo(20);
        assertThat(RolloutOptions.of(Map.of("failureBudget", "10%")).toleratedFailures(5)).isZero();
    }

    @Test
    void outOfRangeOptionsAreRefusedByName() {
        assertThatThrownBy(() -> RolloutOptions.of(Map.of("waves", List.of(50, 10, 100)))).isInstanceOf(FerryException.class)
                .hasMessageContaining("options.waves");
        assertThatThrownBy(() -> RolloutOptions.of(Map.of("waves", List.of(10, 50)))).hasMessageContaining("end at 100");
        assertThatThrownBy(() -> RolloutOptions.of(Map.of("maxParallel", 0))).hasMessageContaining("options.maxParallel");
        assertThatThrownBy(() -> RolloutOptions.of(Map.of("failureBudget", "lots"))).hasMessageContaining("options.failureBudget");
        assertThatThrownBy(() -> RolloutOptions.of(Map.of("change", "drop"))).hasMessageContaining("options.change");
    }
}
