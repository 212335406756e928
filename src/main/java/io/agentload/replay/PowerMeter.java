package io.agentload.replay;

import java.util.Optional;

/**
 * Mean power drawn over a stretch of the run's clock: how a trial learns the power its measurement window cost.
 * The {@code io.agentload.power} package adapts its samplers (nvidia-smi, DCGM, Redfish, constant, the simulator's
 * model) to this interface; a driver asks it once per trial for the window {@code [fromTime, toTime)}.
 */
@FunctionalInterface
interface PowerMeter {

    /** No power measured: trials carry none and Agents per Megawatt is undefined. */
    PowerMeter NONE = (fromTime, toTime) -> Optional.empty();

    /** The time-weighted mean power, if any was read, between two times on the run's clock (seconds). */
    Optional<TrialMetrics.MeanPower> meanPower(double fromTime, double toTime);
}
