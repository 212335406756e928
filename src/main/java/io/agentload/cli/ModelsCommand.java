package io.agentload.cli;

import io.agentload.sim.ModelProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;

/** {@code agentload models}: the simulator's built-in models, their figures and sources. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models the simulator serves: parameters, layers, KV cache per token, weight format and " +
                "context, each from its published config.json. Use a name with 'agentload bench --model NAME'.")
final class ModelsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-17s %9s %9s %6s %-18s %8s %-9s %9s %9s%n", "model", "params B", "active B", "layers",
                "type", "KV KiB", "weights", "weight GB", "context");
        for (ModelProfile m : ModelProfile.all()) {
            String type = (m.moe() ? m.experts() + "x" + m.expertsPerToken() + " MoE" : "dense")
                    + (m.slidingWindowLayers() > 0 ? ", SWA" : "") + (m.compressedAttention() ? ", CSA/HCA" : "");
            String weights = m.weightPrecision() == m.expertPrecision() ? m.weightPrecision().name()
                    : m.weightPrecision().name() + "/" + m.expertPrecision().name();
            out.printf(Locale.ROOT, "%-17s %9.1f %9.1f %6d %-18s %8.1f %-9s %9.1f %,9d%n", m.name(),
                    m.totalParameters() / 1e9, m.activeParameters() / 1e9, m.layers(), type,
                    m.kvBytesPerToken() / 1024.0, weights, m.weightBytes() / 1e9, m.maxContextTokens());
        }
        out.printf("%nKV KiB: KV cache bytes of one token over all layers in %s (as if every layer kept every token;"
                + " SWA layers keep a window; CSA/HCA: what one more token of context adds to the compressed entries"
                + " and indexer keys, beside a 128-token window in every layer).%n",
                ModelProfile.all().get(0).kvPrecision().name());
        out.println("Sources:");
        for (ModelProfile m : ModelProfile.all()) out.printf("  %s: %s%n", m.name(), m.source());
        out.flush();
    }
}
