package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** The rollout benchmark's yardstick: each wave's children, in order, on maxParallel slots with no gap. */
class IdealWaveTimeTest {

    @Test
    void aWaveTakesItsChildrenOnTheSlotsInOrderAndWavesAddUp() {
        Map<Integer, List<Double>> waves = new TreeMap<>();
        waves.put(0, List.of(5.0)); // the canary alone
        waves.put(1, List.of(4.0, 1.0, 1.0, 3.0)); // two slots: 4 | 1, 1, 3 -> ends at 5
        assertThat(RolloutBenchmarkIT.ideal(waves, 2)).isEqualTo(5.0 + 5.0);
    }

    @Test
    void oneSlotIsTheSumAndManySlotsTheLongestChild() {
        Map<Integer, List<Double>> wave = Map.of(0, List.of(2.0, 3.0, 4.0));
        assertThat(RolloutBenchmarkIT.ideal(wave, 1)).isEqualTo(9.0);
        assertThat(RolloutBenchmarkIT.ideal(wave, 16)).isEqualTo(4.0);
    }
}
