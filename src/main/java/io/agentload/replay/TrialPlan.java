package io.agentload.replay;

import java.time.Duration;

/**
 * How a trial runs: the seed its agents derive every choice from, the warm-up bounds and the measurement window.
 *
 * <p>Warm-up ends at the first completed request at which every agent has finished a turn, at least
 * {@code minWarmUpSeconds} have passed and the target reports itself warm (the simulator: its prefix cache), or, in a
 * trial that primes each agent's context, at which half of the agents have finished a turn or the target is certainly
 * behind their first requests ({@link AgentPool}); it
 * ends at {@code maxWarmUpSeconds} regardless, and the trial says so. The measurement window follows for
 * {@code measurementSeconds}. Defaults, the same for the simulator and an endpoint: no minimum warm-up, at most 10
 * minutes of it, and a {@link #DEFAULT_WINDOW} measurement window.
 *
 * @param seed               every agent's session order, start turn and salts derive from it
 * @param minWarmUpSeconds   the shortest warm-up
 * @param maxWarmUpSeconds   the longest warm-up
 * @param measurementSeconds the measurement window's length
 */
record TrialPlan(long seed, double minWarmUpSeconds, double maxWarmUpSeconds, double measurementSeconds) {

    /**
     * The measurement window unless a run says otherwise: ten minutes rather than Artificial Analysis' three. Near
     * capacity a longer window both halves the seed-to-seed spread of a search's answer and catches the
     * cache-thrashing collapses a short one misses (docs/simulator.md, "How stable is the answer"); that holds in
     * real time as in virtual time, where it costs nothing.
     */
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
    /** The longest warm-up unless a run says otherwise. */
    static final Duration DEFAULT_MAX_WARM_UP = Duration.ofMinutes(10);

    public TrialPlan {
        if (!(minWarmUpSeconds >= 0) || !(maxWarmUpSeconds >= minWarmUpSeconds)) {
            throw new IllegalArgumentException("warm-up bounds [" + minWarmUpSeconds + ", " + maxWarmUpSeconds
                    + "] s are not 0 <= min <= max");
        }
        if (!(measurementSeconds > 0)) {
            throw new IllegalArgumentException("measurement window " + measurementSeconds + " s is not positive");
        }
    }

    /** Seed 1, no minimum warm-up, at most {@link #DEFAULT_MAX_WARM_UP} of it, a {@link #DEFAULT_WINDOW} window. */
    static TrialPlan defaults() {
        return new TrialPlan(1, 0, seconds(DEFAULT_MAX_WARM_UP), seconds(DEFAULT_WINDOW));
    }

    /** A copy with other warm-up bounds. */
    TrialPlan withWarmUp(Duration min, Duration max) {
        return withWarmUpSeconds(seconds(min), seconds(max));
    }

    /** A copy with another measurement window. */
    TrialPlan withWindow(Duration window) {
        return withMeasurementSeconds(seconds(window));
    }

    /** The measurement window as a duration. */
    Duration window() {
        return Duration.ofNanos(Math.round(measurementSeconds * 1e9));
    }

    static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** A copy with another seed. */
    public TrialPlan withSeed(long seed) {
        return new TrialPlan(seed, minWarmUpSeconds, maxWarmUpSeconds, measurementSeconds);
    }

    /** A copy with other warm-up bounds. */
    public TrialPlan withWarmUpSeconds(double min, double max) {
        return new TrialPlan(seed, min, max, measurementSeconds);
    }

    /** A copy with another measurement window. */
    public TrialPlan withMeasurementSeconds(double seconds) {
        return new TrialPlan(seed, minWarmUpSeconds, maxWarmUpSeconds, seconds);
    }
}
