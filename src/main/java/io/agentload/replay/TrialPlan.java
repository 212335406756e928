package io.agentload.replay;

/**
 * How a trial runs: the seed its agents derive every choice from, the warm-up bounds and the measurement window.
 *
 * <p>Warm-up ends at the first completed request at which every agent has finished a turn, at least
 * {@code minWarmUpSeconds} have passed and the target reports itself warm (the simulator: its prefix cache); it
 * ends at {@code maxWarmUpSeconds} regardless, and the trial says so. The measurement window follows for
 * {@code measurementSeconds}. Defaults: no minimum warm-up, at most 10 minutes of it, and a 3-minute window like
 * Artificial Analysis' fixed-concurrency phases.
 *
 * @param seed               every agent's session order, start turn and salts derive from it
 * @param minWarmUpSeconds   the shortest warm-up
 * @param maxWarmUpSeconds   the longest warm-up
 * @param measurementSeconds the measurement window's length
 */
record TrialPlan(long seed, double minWarmUpSeconds, double maxWarmUpSeconds, double measurementSeconds) {

    public TrialPlan {
        if (!(minWarmUpSeconds >= 0) || !(maxWarmUpSeconds >= minWarmUpSeconds)) {
            throw new IllegalArgumentException("warm-up bounds [" + minWarmUpSeconds + ", " + maxWarmUpSeconds
                    + "] s are not 0 <= min <= max");
        }
        if (!(measurementSeconds > 0)) {
            throw new IllegalArgumentException("measurement window " + measurementSeconds + " s is not positive");
        }
    }

    /** Seed 1, no minimum warm-up, at most 600 s of it, a 180 s measurement window. */
    public static TrialPlan defaults() {
        return new TrialPlan(1, 0, 600, 180);
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
