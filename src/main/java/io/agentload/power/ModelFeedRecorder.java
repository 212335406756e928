package io.agentload.power;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the simulator's spans into samples like a measured source's: one sample per device ({@code model}) and
 * boundary (GPU, and the system's: node or rack) at the end of every sampling interval, holding the exact mean power of that interval, so a
 * simulation of hours stays a small {@code power.parquet} and integrates to exactly the modelled energy. A gap
 * between spans closes the interval at the last span's end and opens the next one with a row without watts at the
 * new span's start, so the gap counts as uncovered.
 */
final class ModelFeedRecorder implements PowerSampler.ModelFeed {

    static final String DEVICE = "model";
    private static final double EPSILON_S = 1e-9;

    private final double intervalS;
    private final Boundary system;
    private final List<PowerSample> samples = new ArrayList<>();
    private boolean open;
    private double binStartS;
    private double lastEndS = Double.NEGATIVE_INFINITY;
    private double gpuJoules;
    private double systemJoules;

    /** Samples every {@code intervalS} seconds; the system-wide figure is reported at {@code system} (node or rack). */
    ModelFeedRecorder(double intervalS, Boundary system) {
        this.intervalS = intervalS;
        this.system = system;
    }

    @Override
    public synchronized void record(double startTime, double endTime, double gpuWatts, double systemWatts) {
        if (!Double.isFinite(startTime) || !(endTime >= startTime) || Double.isInfinite(endTime)) {
            throw new PowerException("model power span [" + startTime + ", " + endTime + "] s is not a finite forward span");
        }
        if (!(gpuWatts >= 0) || !(systemWatts >= 0) || Double.isInfinite(gpuWatts) || Double.isInfinite(systemWatts)) {
            throw new PowerException("model power at " + startTime + " s: GPU " + gpuWatts + " W, " + system.label() + " "
                    + systemWatts + " W");
        }
        if (startTime < lastEndS - EPSILON_S) {
            throw new PowerException("model power span starting at " + startTime + " s overlaps the previous one, which ended at " + lastEndS + " s");
        }
        if (!open || startTime > lastEndS + EPSILON_S) {
            if (open) closeBin(lastEndS);
            samples.add(PowerSample.gap(startTime, DEVICE, PowerSource.MODEL, Boundary.GPU));
            samples.add(PowerSample.gap(startTime, DEVICE, PowerSource.MODEL, system));
            open = true;
            binStartS = startTime;
        }
        double t = Math.max(startTime, lastEndS);
        while (t < endTime) {
            double binEnd = binStartS + intervalS;
            // a span ending within rounding of the interval's end closes it there, so interval ends never drift
            double to = endTime <= binEnd + EPSILON_S ? endTime : binEnd;
            gpuJoules += gpuWatts * (to - t);
            systemJoules += systemWatts * (to - t);
            t = to;
            if (to >= binEnd - EPSILON_S) closeBin(to);
        }
        lastEndS = Math.max(lastEndS, endTime);
    }

    /** Every sample so far, the interval in progress closed at the last span's end. */
    synchronized List<PowerSample> samples() {
        if (open && lastEndS > binStartS + EPSILON_S) closeBin(lastEndS);
        return List.copyOf(samples);
    }

    private void closeBin(double endTime) {
        double length = endTime - binStartS;
        if (length > EPSILON_S) {
            samples.add(new PowerSample(endTime, DEVICE, gpuJoules / length, Double.NaN, PowerSource.MODEL, Boundary.GPU));
            samples.add(new PowerSample(endTime, DEVICE, systemJoules / length, Double.NaN, PowerSource.MODEL, system));
        }
        binStartS = endTime;
        gpuJoules = 0;
        systemJoules = 0;
    }
}
