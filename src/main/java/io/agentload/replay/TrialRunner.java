package io.agentload.replay;

import java.util.function.Consumer;

/**
 * Runs one trial: N agents replaying sessions closed-loop against a target through a warm-up and a measurement
 * window. The virtual-time driver (the simulator) and the real-time driver (an HTTP endpoint) implement it; the SLO
 * search calls it once per concurrency it tries.
 */
@FunctionalInterface
interface TrialRunner {

    /**
     * Runs trial number {@code trial} with {@code agents} concurrent agents, handing each request record to
     * {@code sink} as soon as the request completes (a run folder appends it to {@code requests.parquet}), and
     * returns the whole trial.
     */
    Trial run(int trial, int agents, Consumer<RequestRecord> sink);

    /**
     * Whether a trial depends only on its number and agents, never on the trials before it, so that the search may
     * compute several at once ({@link #compute}) and place them in order: true for the simulator, false for a real
     * endpoint, whose trials share one server and one clock.
     */
    default boolean independent() {
        return false;
    }

    /**
     * For an {@link #independent()} runner: runs the trial on the calling thread, apart from every other, and returns
     * how to place it after the trials before it. Throws {@link java.util.concurrent.CancellationException} if the
     * thread is interrupted meanwhile.
     */
    default Placement compute(int trial, int agents) {
        throw new UnsupportedOperationException("trials of this runner depend on the ones before them");
    }

    /** A computed trial waiting for its place in the run. */
    @FunctionalInterface
    interface Placement {
        /** Puts the trial after the ones placed before it, hands its records to {@code sink} and returns it. */
        Trial place(Consumer<RequestRecord> sink);
    }
}
