package io.agentload.power;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampler's clock and thread with a stated source, and the simulator's model feed. */
class PowerSamplerTest {

    private static final double EXACT = 1e-9;

    @Test
    void pollsAConstantOnTheRunClockUntilStopped() throws InterruptedException {
        double[] runClock = {100};
        PowerSampler sampler = Power.source("constant=700:gpu").sampler()
                .interval(Duration.ofMillis(10))
                .clock(() -> runClock[0] += 0.005) // two reads per poll: polls land 0.01 s apart on this clock
                .build();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (sampler.polls() < 20 && System.nanoTime() < deadline) Thread.sleep(5);
        PowerSamples samples = sampler.stop();
        int polls = sampler.polls();
        Thread.sleep(50);

        assertEquals(polls, sampler.samples().samples().size(), "no polls after stop");
        assertEquals(0, sampler.failedPolls());
        assertTrue(sampler.lastFailure().isEmpty());
        PowerSample first = samples.samples().get(0);
        assertEquals(new PowerSample(100.0075, "constant", 700, Double.NaN, "constant", Boundary.GPU), first);
        PowerSummary s = samples.summary(100.05, 100.15);
        assertEquals(700, s.meanWatts(), EXACT);
        assertEquals(70, s.energyJoules(), 1e-6);
        assertEquals(1.0, s.coverage(), EXACT);
        assertFalse(s.measured());
        assertEquals("GPU only, stated as a constant", s.label());
        assertThrows(PowerException.class, sampler::modelFeed);
    }

    @Test
    void theModelFeedBecomesExactIntervalMeansAtBothBoundaries() {
        PowerSampler sampler = Power.source("model").sampler().interval(Duration.ofMillis(100)).build();
        PowerSampler.ModelFeed feed = sampler.modelFeed();

        feed.record(0.00, 0.05, 1000, 1500);
        feed.record(0.05, 0.25, 2000, 2600);   // crosses the 0.1 and 0.2 s interval ends
        feed.record(0.25, 0.30, 0, 400);       // idle
        feed.record(1.00, 1.10, 500, 900);     // after a gap of 0.7 s
        PowerSamples samples = sampler.stop();

        List<PowerSample> gpu = samples.samples().stream().filter(s -> s.boundary() == Boundary.GPU).toList();
        assertEquals(List.of(0.0, 0.1, 0.2, 0.3, 1.0, 1.1), gpu.stream().map(PowerSample::time).toList());
        assertEquals(1500, gpu.get(1).watts(), EXACT);                 // (0.05 x 1000 + 0.05 x 2000) / 0.1
        assertEquals(2000, gpu.get(2).watts(), EXACT);
        assertEquals(1000, gpu.get(3).watts(), EXACT);                 // (0.05 x 2000 + 0.05 x 0) / 0.1
        assertTrue(Double.isNaN(gpu.get(4).watts()));                  // the gap opens a new series
        assertEquals(500, gpu.get(5).watts(), EXACT);

        PowerSummary node = samples.summary(0, 0.3);
        assertEquals(Boundary.NODE, node.boundary());
        assertEquals((0.05 * 1500 + 0.2 * 2600 + 0.05 * 400) / 0.3, node.meanWatts(), EXACT);
        assertEquals(0.05 * 1500 + 0.2 * 2600 + 0.05 * 400, node.energyJoules(), EXACT);
        assertEquals("node, modelled by the simulator", node.label());
        assertFalse(node.measured());

        PowerSummary gpuAcrossGap = samples.summary(0, 1.1, Boundary.GPU);
        assertEquals(0.4 / 1.1, gpuAcrossGap.coverage(), EXACT);
        assertEquals((0.05 * 1000 + 0.2 * 2000 + 0.1 * 500) / 0.4, gpuAcrossGap.meanWatts(), EXACT);
        assertEquals(0, sampler.polls());
    }

    @Test
    void aRackScaleModelReportsItsSystemFigureAtTheRackBoundary() {
        PowerSampler sampler = Power.source("model@rack").sampler().interval(Duration.ofSeconds(1)).build();
        sampler.modelFeed().record(0, 2, 50_000, 80_000);
        PowerSamples samples = sampler.stop();

        assertEquals(java.util.Set.of(Boundary.GPU, Boundary.RACK), samples.boundaries());
        PowerSummary rack = samples.summary(0, 2);
        assertEquals(Boundary.RACK, rack.boundary());
        assertEquals(80_000, rack.meanWatts(), EXACT);
        assertEquals("rack, modelled by the simulator", rack.label());
        assertEquals(50_000, samples.summary(0, 2, Boundary.GPU).meanWatts(), EXACT);
    }

    @Test
    void theModelFeedRefusesOverlapsAndNonsense() {
        PowerSampler.ModelFeed feed = Power.source("model").sampler().build().modelFeed();
        feed.record(0, 1, 100, 200);

        assertThrows(PowerException.class, () -> feed.record(0.5, 2, 100, 200));
        assertThrows(PowerException.class, () -> feed.record(2, 1.5, 100, 200));
        assertThrows(PowerException.class, () -> feed.record(2, 3, -1, 200));
        assertThrows(PowerException.class, () -> feed.record(2, 3, 100, Double.NaN));
    }

    @Test
    void aLongModelledRunStaysOneSamplePerIntervalAndBoundary() {
        PowerSampler sampler = Power.source("model").sampler().build();
        PowerSampler.ModelFeed feed = sampler.modelFeed();
        // one hour of 20 ms engine steps alternating between 400 W and 700 W of GPU power
        IntStream.range(0, 180_000).forEach(i -> feed.record(i * 0.02, (i + 1) * 0.02, i % 2 == 0 ? 400 : 700, 1000));

        PowerSamples samples = sampler.stop();

        assertEquals(2 * (1 + 18_000), samples.samples().size());
        assertEquals(550, samples.summary(600, 3000, Boundary.GPU).meanWatts(), 1e-6);
    }
}
