package io.agentload.replay;

import java.util.List;
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
     *
     * <p>{@code open} are the tiers whose verdict on this trial the caller still needs (the search's tiers that no
     * trial at this N or fewer agents has failed). A runner may end the trial early, {@link Trial#cutAtVerdict() cut
     * at its verdict}, once every one of them certainly fails or certainly passes; with none open it runs the whole
     * trial. The verdict
     * on a tier that was not open may then be a failure where the whole trial would have passed.
     */
    Trial run(int trial, int agents, List<SloTier> open, Consumer<RequestRecord> sink);

    /** Runs the whole trial, as {@link #run(int, int, List, Consumer)} with no tier open. */
    default Trial run(int trial, int agents, Consumer<RequestRecord> sink) {
        return run(trial, agents, List.of(), sink);
    }

    /**
     * Whether a trial depends only on its number, agents and open tiers, never on the trials before it, so that the
     * search may compute several at once ({@link #compute}) and place them in order: true for the simulator, false
     * for a real endpoint, whose trials share one server and one clock.
     */
    default boolean independent() {
        return false;
    }

    /**
     * For an {@link #independent()} runner: runs the trial as {@link #run(int, int, List, Consumer)} would, on the
     * calling thread and apart from every other, and returns how to place it after the trials before it. Throws
     * {@link java.util.concurrent.CancellationException} if the thread is interrupted meanwhile.
     */
    default Placement compute(int trial, int agents, List<SloTier> open) {
        throw new UnsupportedOperationException("trials of this runner depend on the ones before them");
    }

    /** A computed trial waiting for its place in the run. */
    @FunctionalInterface
    interface Placement {
        /** Puts the trial after the ones placed before it, hands its records to {@code sink} and returns it. */
        Trial place(Consumer<RequestRecord> sink);
    }
}
