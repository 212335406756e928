package io.agentload.power;

import java.util.Objects;

/**
 * Power over one measurement window: time-weighted mean power, energy and coverage at one {@link Boundary}, and
 * Agents per Megawatt from them (docs/design.md, "Tiers and the SLO search"). The boundary and whether the figure was
 * measured travel with every number; {@link #label()} says both in words for reports.
 *
 * @param boundary     what the figure includes
 * @param measured     true when every watt of it was measured; false for modelled or stated power, and for a GPU
 *                     measurement scaled to a node with a modelled overhead
 * @param basis        how the figure was obtained, e.g. {@code measured by nvidia-smi} or
 *                     {@code measured by dcgm + node overhead of dgx-h100 (+2600 W, +5% of GPU power)}
 * @param startTime       window start on the run's clock
 * @param endTime         window end on the run's clock
 * @param meanWatts    time-weighted mean power over the covered part of the window, summed over devices; NaN when
 *                     nothing was covered
 * @param energyJoules energy over the whole window: mean power times window length
 * @param coverage     fraction of the window covered by readings, for the least-covered device (0 to 1)
 * @param devices      number of devices whose power was summed
 * @param method       how readings were turned into energy
 */
public record PowerSummary(Boundary boundary, boolean measured, String basis, double startTime, double endTime,
                           double meanWatts, double energyJoules, double coverage, int devices, Method method) {

    /** Coverage below which a summary is flagged: less than 90% of the window was measured. */
    public static final double MIN_COVERAGE = 0.9;

    private static final double JOULES_PER_KWH = 3.6e6;

    /** How readings became energy. */
    public enum Method {
        /** Each power reading holds for the time since the device's previous reading. */
        SAMPLE_AND_HOLD,
        /** Differences of the device's cumulative energy counter (DCGM, Redfish {@code EnergyJoules}). */
        ENERGY_COUNTER,
        /** Some devices by energy counter, the others by sample-and-hold. */
        MIXED
    }

    /**
     * A node's power beyond its GPUs, from a system profile: node watts = GPU watts x (1 + gpuFraction) +
     * fixedWatts.
     *
     * @param profile     the system profile the figures come from, named in the summary's basis
     * @param fixedWatts  power of CPUs, memory, NICs, fans and the like, independent of GPU load
     * @param gpuFraction overhead proportional to GPU power (power-supply and voltage-regulator losses, fans)
     */
    public record NodeOverhead(String profile, double fixedWatts, double gpuFraction) {
        public NodeOverhead {
            Objects.requireNonNull(profile, "profile");
            if (profile.isBlank()) throw new PowerException("node overhead needs the name of its system profile");
            if (!(fixedWatts >= 0) || !(gpuFraction >= 0) || Double.isInfinite(fixedWatts) || Double.isInfinite(gpuFraction)) {
                throw new PowerException("node overhead of " + profile + ": fixed " + fixedWatts + " W, fraction "
                        + gpuFraction + " must be finite and >= 0");
            }
        }
    }

    public PowerSummary {
        Objects.requireNonNull(boundary, "boundary");
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(method, "method");
    }

    /** Window length in seconds. */
    public double durationSeconds() {
        return endTime - startTime;
    }

    /** Energy over the window in kWh. */
    public double energyKwh() {
        return energyJoules / JOULES_PER_KWH;
    }

    /** Whether less than {@link #MIN_COVERAGE} of the window was covered, so the figures rest on too few readings. */
    public boolean lowCoverage() {
        return !(coverage >= MIN_COVERAGE);
    }

    /** Agents per Megawatt for {@code agents} concurrent agents at this summary's mean power. */
    public double agentsPerMegawatt(double agents) {
        return Power.agentsPerMegawatt(agents, meanWatts);
    }

    /**
     * This GPU-boundary figure carried to the node boundary with a stated overhead. The result is marked as not
     * (wholly) measured and its basis names the profile and the overhead, so the scaling is never silent.
     */
    public PowerSummary scaledToNode(NodeOverhead overhead) {
        if (boundary != Boundary.GPU) {
            throw new PowerException("only a GPU-boundary power figure can be scaled to a node; this one is " + boundary.label());
        }
        double scale = 1 + overhead.gpuFraction();
        String how = basis + " + node overhead of " + overhead.profile() + " (+" + fmt(overhead.fixedWatts()) + " W, +"
                + fmt(overhead.gpuFraction() * 100) + "% of GPU power)";
        return new PowerSummary(Boundary.NODE, false, how, startTime, endTime, meanWatts * scale + overhead.fixedWatts(),
                energyJoules * scale + overhead.fixedWatts() * durationSeconds(), coverage, devices, method);
    }

    /** The boundary and basis in words, e.g. {@code GPU only, measured by nvidia-smi}. */
    public String label() {
        String where = switch (boundary) {
            case GPU -> "GPU only";
            case NODE -> "node";
            case RACK -> "rack";
        };
        return where + ", " + basis;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
