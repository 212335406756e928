package io.agentload.replay;

import java.util.Objects;

/**
 * Mean power drawn over a stretch of the run's clock: how a trial learns the power its measurement window cost.
 * The {@code io.agentload.power} package adapts its samplers (nvidia-smi, DCGM, Redfish, constant, the simulator's
 * model) to this interface; a driver asks it once per trial for the window {@code [fromTime, toTime)}.
 */
@FunctionalInterface
interface PowerMeter {

    /** No power measured: trials carry {@link Reading#NONE} and Agents per Megawatt is undefined. */
    PowerMeter NONE = (fromTime, toTime) -> Reading.NONE;

    /** The time-weighted mean power between two times on the run's clock (seconds). */
    Reading meanPower(double fromTime, double toTime);

    /**
     * A mean power figure and the boundary it covers.
     *
     * @param meanWatts mean power in watts, NaN when unknown
     * @param boundary  what was measured and how, by convention {@code "<gpu|node|rack>, <measured|modelled>"},
     *                  optionally followed by the source in parentheses, e.g. {@code "gpu, measured (nvidia-smi)"}
     */
    record Reading(double meanWatts, String boundary) {

        /** No power figure. */
        public static final Reading NONE = new Reading(Double.NaN, "");

        public Reading {
            Objects.requireNonNull(boundary, "boundary");
            if (meanWatts <= 0) throw new IllegalArgumentException("mean power " + meanWatts + " W is not positive");
            if (!Double.isNaN(meanWatts) && boundary.isBlank()) {
                throw new IllegalArgumentException("a power figure needs its boundary (e.g. \"gpu, measured\")");
            }
        }

        /** True when there is a power figure. */
        public boolean present() {
            return !Double.isNaN(meanWatts);
        }
    }
}
