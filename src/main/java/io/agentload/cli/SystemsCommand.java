package io.agentload.cli;

import io.agentload.sim.SystemProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code agentload systems}: the simulator's built-in systems, their figures and sources. */
@Command(name = "systems", mixinStandardHelpOptions = true,
        description = "List the systems the simulator models: GPUs, memory, dense FLOP/s, power and the power " +
                "boundary, each with its public source. Use a name with 'agentload bench --system NAME'.")
final class SystemsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-12s %-9s %4s %8s %6s %7s %7s %7s %6s %6s %8s  %s%n", "system", "gpu", "gpus", "hbm GiB",
                "TB/s", "bf16 TF", "fp8 TF", "fp4 TF", "tdp W", "idle W", "max kW", "boundary");
        Map<String, String> sources = new LinkedHashMap<>();
        for (SystemProfile s : SystemProfile.all()) {
            SystemProfile.Gpu g = s.gpu();
            out.printf(Locale.ROOT, "%-12s %-9s %4d %8.0f %6.2f %7.0f %7s %7s %6.0f %6.0f %8.1f  %s%n", s.name(),
                    g.name(), s.gpus(),
                    g.hbmBytes() / (1L << 30), g.hbmBytesPerSecond() / 1e12, g.bf16Flops() / 1e12,
                    tflops(g.fp8Flops()), tflops(g.fp4Flops()), g.tdpWatts(), g.idleWatts(), s.maxWatts() / 1e3,
                    s.boundary());
            sources.put(s.name(), s.source());
            sources.putIfAbsent(g.name(), g.source());
        }
        out.printf("%nDense TFLOP/s per GPU; '-': no native unit, the format runs at the next wider one (FP4 at FP8,"
                + " FP8 at BF16).%nmax kW: the whole system's maximum power at its boundary (node or rack).%n");
        out.println("Sources:");
        sources.forEach((name, source) -> out.printf("  %s: %s%n", name, source));
        out.flush();
    }

    /** A rate in TFLOP/s, or '-' when the GPU has no native unit for the format. */
    private static String tflops(double flops) {
        return flops > 0 ? String.format(Locale.ROOT, "%.0f", flops / 1e12) : "-";
    }
}
