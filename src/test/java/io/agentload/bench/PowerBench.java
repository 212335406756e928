package io.agentload.bench;

import io.agentload.power.Boundary;
import io.agentload.power.Power;
import io.agentload.power.PowerSample;
import io.agentload.power.PowerSampler;
import io.agentload.power.PowerSamples;
import io.agentload.power.PowerSummary;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Normalising an hour of 8-GPU nvidia-smi samples (5 per second, 144,000 rows) over a 3-minute trial window, as the
 * SLO search does once per trial; and recording an hour of 20 ms simulator steps through the model feed.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PowerBench {

    private final PowerSamples hourOfEightGpus = hour();

    private static PowerSamples hour() {
        List<PowerSample> rows = new ArrayList<>(144_000);
        for (int i = 0; i < 18_000; i++) {
            for (int g = 0; g < 8; g++) {
                rows.add(new PowerSample(i * 0.2, "gpu" + g, 300 + (i * 7 + g * 13) % 400, Double.NaN, "nvidia-smi", Boundary.GPU));
            }
        }
        return PowerSamples.of(Duration.ofMillis(200), rows);
    }

    @Benchmark
    public PowerSummary summaryOfAnHourOfEightGpus() {
        return hourOfEightGpus.summary(1800, 1980);
    }

    @Benchmark
    public PowerSamples modelFeedOfAnHourOfSteps() {
        PowerSampler sampler = Power.source("model").sampler().build();
        PowerSampler.ModelFeed feed = sampler.modelFeed();
        for (int i = 0; i < 180_000; i++) feed.record(i * 0.02, (i + 1) * 0.02, 4000 + i % 7 * 100, 7000);
        return sampler.stop();
    }
}
