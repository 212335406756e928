package io.agentload.power;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Samples one {@link PowerSource} while a run goes on: a measured or stated source is polled every interval (200 ms
 * by default) on a thread of its own; the simulator's model is fed through {@link #modelFeed()} instead. A poll that
 * fails (a dead endpoint, a killed or wedged {@code nvidia-smi}, output that cannot be parsed) is recorded as a row
 * without watts and counted; the sampler goes on and the run is never stopped. Samples are stamped with the run's
 * clock ({@link Builder#clock(DoubleSupplier)}) at the middle of each poll.
 *
 * <pre>{@code
 * try (PowerSampler sampler = Power.source("dcgm=http://gpu-node:9400/metrics").sampler().build()) {
 *     ... run ...
 *     sampler.stop().write(runDir.resolve("power.parquet"));
 * }
 * }</pre>
 */
public final class PowerSampler implements AutoCloseable {

    /**
     * What the simulator's engine reports its modelled power through: one call per span of virtual time (an engine
     * step, or an idle stretch at idle power). Spans come in time order and do not overlap; time that no span covers is
     * a gap in the power record, as a failed poll is for a measured source.
     */
    @FunctionalInterface
    public interface ModelFeed {

        /**
         * Records constant power over the span [{@code startTime}, {@code endTime}] of the run's (virtual) clock.
         *
         * @param gpuWatts    power of all simulated GPUs together
         * @param systemWatts power of the whole simulated system, GPUs included: the node, or the rack for a
         *                    {@code model@rack} source
         */
        void record(double startTime, double endTime, double gpuWatts, double systemWatts);
    }

    private final PowerSource source;
    private final Duration interval;
    private final DoubleSupplier clock;
    private final Poller poller;
    private final ModelFeedRecorder model;
    private final ScheduledExecutorService executor;
    private final List<PowerSample> samples = new ArrayList<>();
    private int polls;
    private int failedPolls;
    private String lastFailure;

    /** Configures a sampler; {@link #build()} starts it. */
    public static final class Builder {
        private final PowerSource source;
        private Duration interval;
        private DoubleSupplier clock;

        private Builder(PowerSource source) {
            this.source = Objects.requireNonNull(source, "source");
            this.interval = source.defaultInterval();
        }

        /** Polls every {@code interval} (default: the source's {@link PowerSource#defaultInterval()}). */
        public Builder interval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) throw new PowerException("sampling interval " + interval + " is not positive");
            this.interval = interval;
            return this;
        }

        /**
         * Stamps samples with {@code secondsNow}, the run's clock, so they line up with request records (default:
         * seconds since {@link #build()}).
         */
        public Builder clock(DoubleSupplier secondsNow) {
            this.clock = Objects.requireNonNull(secondsNow, "clock");
            return this;
        }

        /** The sampler, polling from now (the first poll runs at once), or, for the model, accepting its feed. */
        public PowerSampler build() {
            DoubleSupplier c = clock;
            if (c == null) {
                long origin = System.nanoTime();
                c = () -> (System.nanoTime() - origin) / 1e9;
            }
            return new PowerSampler(source, interval, c);
        }
    }

    /** A builder for a sampler of {@code source}. */
    public static Builder builder(PowerSource source) {
        return new Builder(source);
    }

    private PowerSampler(PowerSource source, Duration interval, DoubleSupplier clock) {
        this.source = source;
        this.interval = interval;
        this.clock = clock;
        this.poller = source.openPoller();
        if (poller == null) {
            this.model = new ModelFeedRecorder(interval.toNanos() / 1e9, source.boundary());
            this.executor = null;
        } else {
            this.model = null;
            ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "agentload-power-" + source.kind().label());
                t.setDaemon(true);
                return t;
            });
            ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            this.executor = ex;
            executor.scheduleAtFixedRate(this::pollOnce, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void pollOnce() {
        double before = clock.getAsDouble();
        try {
            List<Poller.Reading> readings = poller.poll();
            double t = (before + clock.getAsDouble()) / 2;
            synchronized (this) {
                polls++;
                for (Poller.Reading r : readings) {
                    samples.add(new PowerSample(t, r.device(), r.watts(), r.energyJoules(), source.kind().label(), source.boundary()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            double t = (before + clock.getAsDouble()) / 2;
            synchronized (this) {
                polls++;
                failedPolls++;
                lastFailure = describe(e);
                samples.add(PowerSample.gap(t, PowerSample.ALL_DEVICES, source.kind().label(), source.boundary()));
            }
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** The source being sampled. */
    public PowerSource source() {
        return source;
    }

    /** The sampling interval. */
    public Duration interval() {
        return interval;
    }

    /** The run's clock now, in seconds: mark measurement windows with it. */
    public double now() {
        return clock.getAsDouble();
    }

    /** Where the simulator reports its modelled power; only for a {@code model} source. */
    public ModelFeed modelFeed() {
        if (model == null) throw new PowerException("power source " + source + " is polled, not fed by the simulator");
        return model;
    }

    /** Polls made so far, failed ones included (0 for the model). */
    public synchronized int polls() {
        return polls;
    }

    /** Polls that gave no readings at all. */
    public synchronized int failedPolls() {
        return failedPolls;
    }

    /** Why the latest failed poll failed (never carrying credentials), if any failed. */
    public synchronized Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** A snapshot of everything recorded so far. */
    public PowerSamples samples() {
        if (model != null) return new PowerSamples(model.samples(), interval);
        synchronized (this) {
            return new PowerSamples(samples, interval);
        }
    }

    /**
     * Stops polling and returns everything recorded. A poll in progress is waited for (up to its timeout), then one
     * last poll is made, so that a measurement window ending just before {@code stop()} is covered to its end.
     */
    public PowerSamples stop() {
        if (executor != null && !executor.isShutdown()) {
            executor.shutdown();
            try {
                if (executor.awaitTermination(PowerSource.POLL_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                    pollOnce();
                } else {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
            poller.close();
        }
        return samples();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "PowerSampler[" + source + " every " + interval.toMillis() + " ms]";
    }
}
