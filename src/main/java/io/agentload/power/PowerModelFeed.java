package io.agentload.power;

/**
 * What the simulator's engine reports its modelled power through: one call per span of virtual time (an engine
 * step, or an idle stretch at idle power). Spans come in time order and do not overlap; time that no span covers is
 * a gap in the power record, as a failed poll is for a measured source.
 */
@FunctionalInterface
public interface PowerModelFeed {

    /**
     * Records constant power over the span [{@code startTime}, {@code endTime}] of the run's (virtual) clock.
     *
     * @param gpuWatts    power of all simulated GPUs together
     * @param systemWatts power of the whole simulated system, GPUs included: the node, or the rack for a
     *                    {@code model@rack} source
     */
    void record(double startTime, double endTime, double gpuWatts, double systemWatts);
}
