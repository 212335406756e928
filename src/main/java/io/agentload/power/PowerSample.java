package io.agentload.power;

import java.util.Objects;

/**
 * One reading of one device at one time: a row of {@code power.parquet}.
 *
 * <p>A reading stands for the time since the previous reading of the same device and boundary (sample-and-hold
 * backwards, see {@link PowerSamples}). A row without watts and without energy marks a failed poll or a device that
 * reported no value: the time before it is a gap.
 *
 * @param time        seconds on the run's clock
 * @param device       the device within its source: {@code gpu0}, {@code chassis}, {@code psu:Bay1}, {@code model};
 *                     {@link #ALL_DEVICES} for a poll that failed as a whole
 * @param watts        power in W, or NaN when the poll gave none
 * @param energyJoules the device's cumulative energy counter in J where the source has one (DCGM, Redfish
 *                     {@code EnergyJoules}), else NaN
 * @param source       the kind of source: {@code nvidia-smi}, {@code dcgm}, {@code redfish}, {@code constant},
 *                     {@code model}
 * @param boundary     what the reading includes
 */
public record PowerSample(double time, String device, double watts, double energyJoules, String source,
                          Boundary boundary) {

    /** The device name of a row recording that a whole poll failed. */
    public static final String ALL_DEVICES = "*";

    public PowerSample {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(boundary, "boundary");
        if (!Double.isFinite(time)) throw new PowerException("power sample time " + time + " is not finite");
        if (watts < 0 || Double.isInfinite(watts)) {
            throw new PowerException("power sample of " + device + " at " + time + " s: " + watts + " W");
        }
        if (energyJoules < 0 || Double.isInfinite(energyJoules)) {
            throw new PowerException("power sample of " + device + " at " + time + " s: energy " + energyJoules + " J");
        }
    }

    /** A row recording that a poll gave no reading for {@code device} (or for all devices). */
    public static PowerSample gap(double time, String device, String source, Boundary boundary) {
        return new PowerSample(time, device, Double.NaN, Double.NaN, source, boundary);
    }

    /** Whether this row has a power reading. */
    public boolean hasWatts() {
        return !Double.isNaN(watts);
    }

    /** Whether this row has an energy counter reading. */
    public boolean hasEnergy() {
        return !Double.isNaN(energyJoules);
    }
}
