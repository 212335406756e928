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
}
