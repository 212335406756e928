package io.agentload.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.TrajectoryStats;
import io.agentload.trajectory.TrajectoryStats.Distribution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code agentload stats FILE [--json]}: the shape of a trajectory file. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Summarise a trajectory file (Parquet, JSONL or CSV): sessions, turns, input and output token " +
                "distributions, the reused-token share, turns per session, tool times, subagent sessions, " +
                "compactions and the language mix.")
final class StatsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "a turn table: .parquet, .jsonl or .csv")
    Path file;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        TrajectoryStats stats = TrajectoryStats.of(Trajectories.read(file));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(mapper, stats)));
        } else {
            printText(out, stats);
        }
        out.flush();
        return 0;
    }

    private ObjectNode toJson(ObjectMapper mapper, TrajectoryStats stats) {
        ObjectNode root = mapper.createObjectNode();
        root.put("file", file.toString());
        root.put("sessions", stats.sessions());
        root.put("turns", stats.turns());
        root.set("input_tokens", toJson(mapper, stats.inputTokens()));
        root.set("output_tokens", toJson(mapper, stats.outputTokens()));
        root.put("reused_token_share", stats.reusedTokenShare());
        root.set("turns_per_session", toJson(mapper, stats.turnsPerSession()));
        root.set("tool_time_ms", toJson(mapper, stats.toolTimeMs()));
        root.put("subagent_sessions", stats.subagentSessions());
        root.put("compactions", stats.compactions());
        ObjectNode languages = root.putObject("sessions_per_language");
        stats.sessionsPerLanguage().forEach(languages::put);
        return root;
    }

    private static ObjectNode toJson(ObjectMapper mapper, Distribution d) {
        ObjectNode node = mapper.createObjectNode();
        node.put("min", d.min());
        node.put("mean", d.mean());
        node.put("p50", d.p50());
        node.put("p90", d.p90());
        node.put("p99", d.p99());
        node.put("max", d.max());
        return node;
    }

    private void printText(PrintWriter out, TrajectoryStats stats) {
        out.printf("%s%n", file);
        out.printf("  sessions %,d   turns %,d   reused-token share %.1f%%%n",
                stats.sessions(), stats.turns(), 100 * stats.reusedTokenShare());
        out.printf("  subagent sessions %,d   compactions %,d%n", stats.subagentSessions(), stats.compactions());
        out.printf("  %-18s %10s %10s %10s %10s %10s %10s%n", "", "min", "mean", "p50", "p90", "p99", "max");
        row(out, "input tokens", stats.inputTokens());
        row(out, "output tokens", stats.outputTokens());
        row(out, "turns per session", stats.turnsPerSession());
        row(out, "tool time (ms)", stats.toolTimeMs());
        out.printf("  sessions per language:%n");
        for (Map.Entry<String, Integer> e : stats.sessionsPerLanguage().entrySet()) {
            out.printf("    %-12s %,7d  %5.1f%%%n", e.getKey().isEmpty() ? "(none)" : e.getKey(), e.getValue(),
                    100.0 * e.getValue() / stats.sessions());
        }
    }

    private static void row(PrintWriter out, String name, Distribution d) {
        out.printf("  %-18s %,10.0f %,10.0f %,10.0f %,10.0f %,10.0f %,10.0f%n",
                name, d.min(), d.mean(), d.p50(), d.p90(), d.p99(), d.max());
    }
}
