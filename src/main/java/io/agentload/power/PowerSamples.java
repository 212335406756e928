package io.agentload.power;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A run's power readings in time order with their sampling interval: what a {@link PowerSampler} recorded or
 * {@link Power#read(Path)} loaded. {@link #summary(double, double)} normalises them over a measurement window;
 * {@link #write(Path)} stores them as {@code power.parquet}.
 *
 * <p>Normalisation (details in the summary's Javadoc and {@code EnergyIntegrator}): each reading holds for the time
 * since its device's previous reading, if that is at most twice the interval; a device with an energy counter is
 * integrated from the counter instead. Mean power is energy over covered time, summed over devices.
 */
public final class PowerSamples {

    private final List<PowerSample> samples;
    private final Duration interval;

    PowerSamples(List<PowerSample> samples, Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) throw new PowerException("sampling interval " + interval + " is not positive");
        List<PowerSample> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparingDouble(PowerSample::time));
        this.samples = List.copyOf(sorted);
        this.interval = interval;
    }

    /** Samples taken at {@code interval}, in any order (they are sorted by time, stably). */
    public static PowerSamples of(Duration interval, List<PowerSample> samples) {
        return new PowerSamples(samples, interval);
    }

    /** The readings, in time order. */
    public List<PowerSample> samples() {
        return samples;
    }

    /** The sampling interval. */
    public Duration interval() {
        return interval;
    }

    /** The boundaries these samples report, narrowest first. */
    public Set<Boundary> boundaries() {
        Set<Boundary> set = EnumSet.noneOf(Boundary.class);
        for (PowerSample s : samples) set.add(s.boundary());
        return set;
    }

    /**
     * Mean power, energy and coverage over [{@code startTime}, {@code endTime}] at the widest boundary these samples
     * report (rack, else node, else GPU); readings of other boundaries are not added in.
     */
    public PowerSummary summary(double startTime, double endTime) {
        Set<Boundary> present = boundaries();
        if (present.isEmpty()) throw new PowerException("no power samples to summarise");
        List<Boundary> widestFirst = new ArrayList<>(present);
        return summary(startTime, endTime, widestFirst.get(widestFirst.size() - 1));
    }

    /** Mean power, energy and coverage over [{@code startTime}, {@code endTime}] from the readings at {@code boundary}. */
    public PowerSummary summary(double startTime, double endTime, Boundary boundary) {
        return EnergyIntegrator.summarise(samples, boundary, startTime, endTime, interval.toNanos() / 1e9);
    }

    /** Writes these samples to {@code file} (normally {@code power.parquet} in the run folder) atomically. */
    public Path write(Path file) {
        PowerParquet.write(file, samples, interval);
        return file;
    }

    @Override
    public String toString() {
        return "PowerSamples[" + samples.size() + " samples every " + interval.toMillis() + " ms, " + boundaries() + "]";
    }
}
