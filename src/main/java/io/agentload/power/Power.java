package io.agentload.power;

import java.nio.file.Path;

/**
 * Power measurement in a few calls. Sample a source around a run, then normalise over the measurement window:
 * <pre>{@code
 * PowerSampler sampler = Power.source("nvidia-smi").sampler().build();
 * // ... run the agents; note the window [t0, t1] on sampler.now() ...
 * PowerSummary power = sampler.stop().summary(t0, t1);
 * double agentsPerMw = power.agentsPerMegawatt(maxAgents);
 * }</pre>
 * and later, from the run folder: {@code Power.read(run.resolve("power.parquet")).summary(t0, t1)}.
 */
public final class Power {

    private Power() {
    }

    /**
     * Parses a {@code --power} spec: {@code nvidia-smi[=PATH]}, {@code dcgm=URL}, {@code redfish[@rack]=URL},
     * {@code constant=WATTS[:gpu|node|rack]} or {@code model} (see {@link PowerSource}). Redfish credentials are
     * taken from the environment.
     */
    public static PowerSource source(String spec) {
        return PowerSource.parse(spec, System.getenv());
    }

    /** Reads a {@code power.parquet} written by {@link PowerSamples#write(Path)}. */
    public static PowerSamples read(Path file) {
        return PowerParquet.read(file);
    }

    /**
     * Agents per Megawatt: {@code agents} concurrent agents served at {@code meanWatts} of mean power, i.e.
     * agents / (meanWatts / 10^6). NaN when the mean power is unknown (NaN).
     */
    public static double agentsPerMegawatt(double agents, double meanWatts) {
        if (!(agents >= 0) || Double.isInfinite(agents)) throw new PowerException("agents " + agents + " is not a count");
        if (Double.isNaN(meanWatts)) return Double.NaN;
        if (!(meanWatts > 0) || Double.isInfinite(meanWatts)) {
            throw new PowerException("mean power " + meanWatts + " W is not positive; Agents per Megawatt needs a power draw");
        }
        return agents / (meanWatts / 1e6);
    }
}
