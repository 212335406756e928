package io.agentload.cli;

import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.WorkloadShape;
import io.agentload.trajectory.WorkloadShape.ToolTimes;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code agentload generate --sessions N --seed S [--context-limit 1M] [--tool-time recorded|generated|fixed:D]
 * [--compaction-threshold 0.835|off] [--subagents 0.05] -o FILE}: a synthetic coding-agent workload, by default
 * {@link WorkloadShape#codingAgent()} with its rhythm on; {@code --tool-time recorded --compaction-threshold off
 * --subagents 0} gives {@link WorkloadShape#aaAgentPerf()}.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate synthetic coding-agent sessions with the published shape (inputs ~5K-131K tokens, " +
                "mean ~27K; up to ~200 turns; output median ~150, p95 ~2K; 15 languages) and the agent's rhythm " +
                "(long-tailed tool times, compaction at 83.5%% of the window, 0.05 subagents per turn; each can be " +
                "turned off). The same seed always " +
                "gives the same file. A longer --context-limit scales the sessions to fill it " +
                "(docs/design.md, \"Longer contexts\").")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--sessions", required = true, paramLabel = "N", description = "sessions to generate")
    int sessions;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--mean-input", paramLabel = "TOKENS",
            description = "mean input tokens over all turns (default: the published ~27K)")
    Integer meanInputTokens;

    @Option(names = "--context-limit", paramLabel = "TOKENS", converter = ContextTokensConverter.class,
            description = {"largest prompt before the agent compacts its context (default: 128K, the published "
                    + "~131K): 256K, 1M or a token count, for instance. K = 1,024 and M = 1,048,576 tokens as in model "
                    + "configs (128K = 131,072; 1M = 1,048,576); the printed roundings 131K, 262K and 524K name the "
                    + "same windows. At most 4M.",
                    "Sessions scale to fill the limit: at s = limit / 131,072 they have s times the turns (median "
                    + "20 x s, up to 200 x s) and the mean input s times the growth past the first prompt (1M: median "
                    + "160 turns, up to 1,600, mean input ~174K), with the published output lengths, tool output per "
                    + "turn and tool times."})
    Integer contextLimitTokens;

    @Option(names = "--tool-time", paramLabel = "SOURCE", converter = ToolTimeConverter.class,
            description = {"tool time between calls: generated (default: the long tail of builds and tests, median "
                    + "~0.3 s, p90 ~1.5 s, p99 ~29 s; WorkloadShape.longTailToolTimeMs), recorded (the fit to the "
                    + "recorded AA-AgentPerf traces, median ~124 ms, p90 ~210 ms) or fixed:DURATION (e.g. fixed:5s)."})
    ToolTimes toolTimes;

    @Option(names = "--compaction-threshold", paramLabel = "SHARE", converter = CompactionThresholdConverter.class,
            description = "share of the context limit past which the agent compacts (default 0.835, Claude Code's "
                    + "point; Codex CLI compacts at 0.9); off or 1 runs the window full, as the published ~131K "
                    + "maximum input does")
    Double compactionThreshold;

    @Option(names = "--subagents", paramLabel = "RATE",
            description = "mean subagent sessions spawned after each turn (default 0.05, an assumption; 0 turns "
                    + "them off): each runs its own session beside the waiting parent, which its next turn joins "
                    + "(WorkloadShape.Subagents)")
    Double subagentsPerTurn;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "the turn table to write: .parquet, .jsonl or .csv")
    Path output;

    @Override
    public Integer call() {
        if (sessions <= 0) throw new ParameterException(spec.commandLine(), "--sessions must be positive, not " + sessions);
        CliChecks.trajectoryFileName(spec, output);
        WorkloadShape shape = WorkloadShape.codingAgent();
        Table turns;
        try {
            if (contextLimitTokens != null) shape = shape.withScaledContextLimit(contextLimitTokens);
            if (meanInputTokens != null) shape = shape.withMeanInputTokens(meanInputTokens);
            if (toolTimes != null) shape = toolTimes.applyTo(shape);
            if (compactionThreshold != null) shape = shape.withCompactionThreshold(compactionThreshold);
            if (subagentsPerTurn != null) {
                shape = shape.withSubagents(WorkloadShape.Subagents.spawning(subagentsPerTurn));
            }
            turns = Trajectories.generate(shape, sessions, seed);
        } catch (IllegalArgumentException e) { // the shape refuses a mean it cannot reach, naming the range
            String option = e.getMessage().contains("compactionThreshold") ? "--compaction-threshold"
                    : e.getMessage().contains("spawnsPerTurn") ? "--subagents"
                    : meanInputTokens != null ? "--mean-input" : "--context-limit";
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
        Trajectories.write(turns, output);
        int subagentSessions = turns.stringColumn(Trajectories.SESSION_ID).countUnique() - sessions;
        spec.commandLine().getErr().printf("%s: %,d turns of %,d sessions%s (seed %d)%n", output, turns.rowCount(),
                sessions, subagentSessions == 0 ? "" : String.format(" and %,d subagent sessions", subagentSessions),
                seed);
        return 0;
    }

    /** {@code --compaction-threshold SHARE|off}: off is 1.0, the window run full. */
    static final class CompactionThresholdConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String text) {
            String s = text.strip();
            if (s.equalsIgnoreCase("off")) return 1.0;
            try {
                return Double.valueOf(s);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a share of the window (write e.g. 0.835, "
                        + "or off)");
            }
        }
    }
}
