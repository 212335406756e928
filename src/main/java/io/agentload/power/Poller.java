package io.agentload.power;

import java.io.IOException;
import java.util.List;

/** Reads a measured or stated power source once per call; {@link PowerSampler} calls it on its own thread. */
interface Poller extends AutoCloseable {

    /** One device's reading in one poll; NaN where the source gave no value. */
    record Reading(String device, double watts, double energyJoules) {
        static Reading watts(String device, double watts) {
            return new Reading(device, watts, Double.NaN);
        }
    }

    /**
     * Reads every device once.
     *
     * @throws PowerException on output that cannot be understood (the message names the source and the line)
     * @throws IOException    when the source cannot be reached
     */
    List<Reading> poll() throws IOException, InterruptedException;

    @Override
    default void close() {
    }
}
