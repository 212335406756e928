package io.agentload.power;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mean power, energy and coverage on hand-made samples, with exact numbers. */
class PowerSamplesTest {

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    private static final double EXACT = 1e-9;

    private static PowerSample gpu(double t, String device, double watts) {
        return new PowerSample(t, device, watts, Double.NaN, "nvidia-smi", Boundary.GPU);
    }

    private static PowerSample counter(double t, String device, double watts, double joules) {
        return new PowerSample(t, device, watts, joules, "dcgm", Boundary.GPU);
    }

    @Test
    void eachReadingHoldsBackToThePreviousOne() {
        // gpu0: 100 W at 0 s (opens the series), 200 W for (0,1], 300 W for (1,2], 400 W for (2,3]
        PowerSamples samples = PowerSamples.of(ONE_SECOND, List.of(
                gpu(0, "gpu0", 100), gpu(1, "gpu0", 200), gpu(2, "gpu0", 300), gpu(3, "gpu0", 400)));

        PowerSummary s = samples.summary(0.5, 2.5);

        // 0.5 s x 200 W + 1 s x 300 W + 0.5 s x 400 W = 600 J over 2 s
        assertEquals(300, s.meanWatts(), EXACT);
        assertEquals(600, s.energyJoules(), EXACT);
        assertEquals(600 / 3.6e6, s.energyKwh(), 1e-15);
        assertEquals(1.0, s.coverage(), EXACT);
        assertFalse(s.lowCoverage());
        assertEquals(Boundary.GPU, s.boundary());
        assertTrue(s.measured());
        assertEquals("GPU only, measured by nvidia-smi", s.label());
        assertEquals(PowerSummary.Method.SAMPLE_AND_HOLD, s.method());
        assertEquals(1, s.devices());
    }

    @Test
    void devicesAddUp() {
        PowerSamples samples = PowerSamples.of(ONE_SECOND, List.of(
                gpu(0, "gpu0", 500), gpu(0, "gpu1", 300),
                gpu(1, "gpu0", 500), gpu(1, "gpu1", 300),
                gpu(2, "gpu0", 700), gpu(2, "gpu1", 100)));

        PowerSummary s = samples.summary(0, 2);

        assertEquals((500 + 700) / 2.0 + (300 + 100) / 2.0, s.meanWatts(), EXACT);
        assertEquals(1600, s.energyJoules(), EXACT);
        assertEquals(2, s.devices());
    }

    @Test
    void aGapLongerThanTwoIntervalsIsUncoveredAndFlagged() {
        // readings every second, then nothing from 2 s to 5 s (3 s > 2 x 1 s): (2,5] is not covered
        PowerSamples samples = PowerSamples.of(ONE_SECOND, List.of(
                gpu(0, "gpu0", 100), gpu(1, "gpu0", 100), gpu(2, "gpu0", 100),
                gpu(5, "gpu0", 900), gpu(6, "gpu0", 200)));

        PowerSummary s = samples.summary(0, 6);

        assertEquals(3.0 / 6, s.coverage(), EXACT);
        assertTrue(s.lowCoverage());
        // covered: (0,1] (1,2] at 100 W, (5,6] at 200 W: 400 J over 3 s; energy spreads that mean over 6 s
        assertEquals(400.0 / 3, s.meanWatts(), EXACT);
        assertEquals(800, s.energyJoules(), EXACT);
    }

    @Test
    void oneMissedPollWithinTwoIntervalsStaysCovered() {
        PowerSamples samples = PowerSamples.of(ONE_SECOND, List.of(
                gpu(0, "gpu0", 100), gpu(1, "gpu0", 100), gpu(3, "gpu0", 400), gpu(4, "gpu0", 400)));

        PowerSummary s = samples.summary(0, 4);

        assertEquals(1.0, s.coverage(), EXACT);
        assertEquals((100 + 3 * 400) / 4.0, s.meanWatts(), EXACT);
    }

    @Test
    void aFailedPollLeavesTheTimeBeforeItUncovered() {
        List<PowerSample> rows = new ArrayList<>(List.of(
                gpu(0, "gpu0", 100), gpu(1, "gpu0", 100), gpu(2, "gpu0", 100), gpu(3, "gpu0", 100),
                gpu(0, "gpu1", 50), gpu(1, "gpu1", 50), gpu(2, "gpu1", 50), gpu(3, "gpu1", 50)));
        rows.add(PowerSample.gap(1.5, PowerSample.ALL_DEVICES, "nvidia-smi", Boundary.GPU));
        rows.add(PowerSample.gap(2.5, "gpu1", "nvidia-smi", Boundary.GPU)); // gpu1 said [N/A]

        PowerSummary s = samples(rows).summary(0, 3);

        // gpu0 loses (1,1.5]; gpu1 loses (1,1.5] and (2,2.5]
        assertEquals(2.0 / 3, s.coverage(), EXACT);
        assertEquals(150, s.meanWatts(), EXACT);
        assertTrue(s.lowCoverage());
    }

    @Test
    void energyCountersArePreferredAndStaleExportsSkipped() {
        // the gauge says 999 W throughout; the counter says otherwise and wins. The exporter refreshes every 2 s,
        // so every other poll repeats the previous counter value.
        PowerSamples samples = PowerSamples.of(ONE_SECOND, List.of(
                counter(0, "gpu0", 999, 10_000), counter(1, "gpu0", 999, 10_000),
                counter(2, "gpu0", 999, 11_000), counter(3, "gpu0", 999, 11_000),
                counter(4, "gpu0", 999, 11_600), counter(5, "gpu0", 999, 11_600)));

        PowerSummary s = samples.summary(1, 4);

        // fresh readings at 0, 2, 4: 500 W over (0,2], 300 W over (2,4]; window (1,4]: 1 s x 500 + 2 s x 300
        assertEquals(1100.0 / 3, s.meanWatts(), EXACT);
        assertEquals(1100, s.energyJoules(), EXACT);
        assertEquals(1.0, s.coverage(), EXACT);
        assertEquals(PowerSummary.Method.ENERGY_COUNTER, s.method());
        assertEquals("GPU only, measured by dcgm", s.label());
    }

    @Test
    void aCounterSpansFailedPollsButNotAReset() {
        List<PowerSample> rows = new ArrayList<>(List.of(
                counter(0, "gpu0", 400, 1_000), counter(4, "gpu0", 400, 3_000), // 500 W over 4 s, polls between failed
                counter(5, "gpu0", 400, 20), counter(6, "gpu0", 400, 420)));       // reset between 4 and 5 s
        rows.add(PowerSample.gap(2, PowerSample.ALL_DEVICES, "dcgm", Boundary.GPU));

        PowerSummary s = samples(rows).summary(0, 6);

        assertEquals(5.0 / 6, s.coverage(), EXACT);
        assertEquals((2_000 + 400) / 5.0, s.meanWatts(), EXACT);
    }

    @Test
    void devicesWithAndWithoutCountersAreMixed() {
        PowerSamples samples = PowerSamples.of(ONE_SECOND, List.of(
                counter(0, "gpu0", 0, 0), counter(1, "gpu0", 0, 250), counter(2, "gpu0", 0, 500),
                counter(0, "gpu1", 100, Double.NaN), counter(1, "gpu1", 100, Double.NaN), counter(2, "gpu1", 100, Double.NaN)));

        PowerSummary s = samples.summary(0, 2);

        assertEquals(350, s.meanWatts(), EXACT);
        assertEquals(PowerSummary.Method.MIXED, s.method());
    }

    @Test
    void summariesTakeOneBoundaryAndDefaultToTheWidest() {
        PowerSamples samples = PowerSamples.of(ONE_SECOND, List.of(
                gpu(0, "gpu0", 600), gpu(1, "gpu0", 600), gpu(2, "gpu0", 600),
                new PowerSample(0, "chassis", 2000, Double.NaN, "redfish", Boundary.NODE),
                new PowerSample(1, "chassis", 2000, Double.NaN, "redfish", Boundary.NODE),
                new PowerSample(2, "chassis", 2000, Double.NaN, "redfish", Boundary.NODE)));

        PowerSummary node = samples.summary(0, 2);
        PowerSummary gpus = samples.summary(0, 2, Boundary.GPU);

        assertEquals(Boundary.NODE, node.boundary());
        assertEquals(2000, node.meanWatts(), EXACT);
        assertEquals("node, measured by redfish", node.label());
        assertEquals(600, gpus.meanWatts(), EXACT);
        assertThrows(PowerException.class, () -> samples.summary(0, 2, Boundary.RACK));
    }

    @Test
    void aGpuFigureScalesToANodeOnlyWithItsOverheadNamed() {
        PowerSamples samples = PowerSamples.of(ONE_SECOND, List.of(gpu(0, "gpu0", 4000), gpu(10, "gpu0", 4000)));
        PowerSummary gpu = PowerSamples.of(Duration.ofSeconds(5), samples.samples()).summary(0, 10);

        PowerSummary node = gpu.scaledToNode(new PowerSummary.NodeOverhead("dgx-h100", 2600, 0.05));

        assertEquals(4000 * 1.05 + 2600, node.meanWatts(), EXACT);
        assertEquals((4000 * 1.05 + 2600) * 10, node.energyJoules(), 1e-6);
        assertEquals(Boundary.NODE, node.boundary());
        assertFalse(node.measured());
        assertEquals("node, measured by nvidia-smi + node overhead of dgx-h100 (+2600 W, +5% of GPU power)", node.label());
        assertThrows(PowerException.class, () -> node.scaledToNode(new PowerSummary.NodeOverhead("x", 1, 0)));
    }

    @Test
    void agentsPerMegawattIsAgentsOverMeanMegawatts() {
        PowerSamples samples = PowerSamples.of(ONE_SECOND, List.of(gpu(0, "gpu0", 540), gpu(1, "gpu0", 540)));
        PowerSummary s = samples.summary(0, 1);

        // 1.4 agents on one H200 at 540 W, the ratio behind the published HGX H200 figure (docs/published-figures.md)
        assertEquals(1.4 / 540e-6, s.agentsPerMegawatt(1.4), 1e-9);
        assertEquals(2000, Power.agentsPerMegawatt(100, 50_000), EXACT);
        assertTrue(Double.isNaN(Power.agentsPerMegawatt(100, Double.NaN)));
        assertThrows(PowerException.class, () -> Power.agentsPerMegawatt(100, 0));
        assertThrows(PowerException.class, () -> Power.agentsPerMegawatt(-1, 100));
    }

    @Test
    void nothingCoveredGivesNaNPowerAndZeroCoverage() {
        PowerSamples samples = PowerSamples.of(ONE_SECOND, List.of(gpu(0, "gpu0", 100), gpu(1, "gpu0", 100)));

        PowerSummary s = samples.summary(5, 6);

        assertEquals(0, s.coverage(), EXACT);
        assertTrue(Double.isNaN(s.meanWatts()));
        assertTrue(s.lowCoverage());
        assertThrows(PowerException.class, () -> samples.summary(6, 5));
        assertThrows(PowerException.class, () -> PowerSamples.of(ONE_SECOND, List.of()).summary(0, 1));
    }

    private static PowerSamples samples(List<PowerSample> rows) {
        return PowerSamples.of(ONE_SECOND, rows);
    }
}
