package io.agentload.replay;

import io.agentload.internal.MonotonicClock;
import io.agentload.power.Power;
import io.agentload.power.PowerException;
import io.agentload.power.PowerSample;
import io.agentload.power.PowerSampler;
import io.agentload.power.PowerSamples;
import io.agentload.power.PowerSource;
import io.agentload.power.PowerSummary;
import org.jspecify.annotations.Nullable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The power of a real-time run (the {@code --power} spec): a sampler on the run's clock for as long as the run goes
 * on, the samples of earlier sessions of a resumed run, {@code power.parquet}, and per window the mean power, energy
 * and coverage. With no source, every figure is absent, never invented. A window whose readings all failed has no
 * figure either: its coverage is what says so.
 */
final class MeasuredPower implements AutoCloseable {

    /** The file the samples go to. */
    static final String FILE = "power.parquet";
    /** Longer than any poll may take (the power package gives up on one after 5 s). */
    private static final Duration POLL_WAIT = Duration.ofSeconds(6);

    private final @Nullable PowerSource source;
    private final @Nullable PowerSampler sampler;
    private final List<PowerSample> earlier;

    private MeasuredPower(@Nullable PowerSource source, @Nullable PowerSampler sampler, List<PowerSample> earlier) {
        this.source = source;
        this.sampler = sampler;
        this.earlier = earlier;
    }

    /**
     * Starts sampling {@code source} for {@code run} on the run's clock (keeping the samples its folder already
     * holds), or nothing without a source.
     */
    static MeasuredPower start(@Nullable PowerSource source, Run run) {
        if (source == null) return new MeasuredPower(null, null, List.of());
        Path file = run.dir().resolve(FILE);
        List<PowerSample> earlier = Files.exists(file) ? Power.read(file).samples() : List.of();
        PowerSampler sampler = source.sampler().clock(MonotonicClock.since(run.startedAt())::now).build();
        return new MeasuredPower(source, sampler, earlier);
    }

    /** Each trial's mean power over its window, with the boundary and source named. */
    PowerMeter meter() {
        return (from, to) -> summary(from, to)
                .flatMap(s -> TrialMetrics.MeanPower.of(s.meanWatts(), reading(s)));
    }

    /**
     * Mean power, energy and coverage over [{@code from}, {@code to}] on the run's clock, if anything was read. A
     * reading holds for the time since the previous one, so the window's last stretch is covered only by the first
     * poll after its end: this waits for it (at most one interval and a poll's timeout).
     */
    Optional<PowerSummary> summary(double from, double to) {
        if (source == null) return Optional.empty();
        awaitPollAfter(to);
        try {
            PowerSummary s = samples().summary(from, to);
            return Double.isNaN(s.meanWatts()) ? Optional.empty() : Optional.of(s);
        } catch (PowerException e) {
            return Optional.empty();
        }
    }

    private void awaitPollAfter(double time) {
        long deadline = System.nanoTime() + 2 * sampler.interval().toNanos() + POLL_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<PowerSample> all = sampler.samples().samples();
            if (!all.isEmpty() && all.get(all.size() - 1).time() >= time) return;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Why the latest poll failed, if one did. */
    Optional<String> lastFailure() {
        return sampler == null ? Optional.empty() : sampler.lastFailure();
    }

    /** Writes every sample, earlier sessions' too, to the run's {@code power.parquet}; nothing without a source. */
    void write(Run run) {
        if (source != null) samples().write(run.dir().resolve(FILE));
    }

    private PowerSamples samples() {
        List<PowerSample> all = new ArrayList<>(earlier);
        all.addAll(sampler.samples().samples());
        return PowerSamples.of(sampler.interval(), all);
    }

    /** {@code gpu, measured (nvidia-smi)}: the boundary, how the figure was obtained and the source. */
    private String reading(PowerSummary s) {
        String how = s.measured() ? "measured" : source.kind() == PowerSource.Kind.CONSTANT ? "stated" : "modelled";
        return s.boundary().label() + ", " + how + " (" + source.kind().label() + ")";
    }

    @Override
    public void close() {
        if (sampler != null) sampler.stop();
    }
}
