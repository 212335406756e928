package io.agentload.cli;

import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.WorkloadShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code agentload generate --sessions N --seed S -o FILE}: a synthetic coding-agent workload. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate synthetic coding-agent sessions with the published shape (inputs ~5K-131K tokens, " +
                "mean ~27K; up to ~200 turns; output median ~150, p95 ~2K; 15 languages). The same seed always " +
                "gives the same file.")
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
            if (meanInputTokens != null) shape = shape.withMeanInputTokens(meanInputTokens);
            turns = Trajectories.generate(shape, sessions, seed);
        } catch (IllegalArgumentException e) { // the shape refuses a mean it cannot reach, naming the range
            throw new ParameterException(spec.commandLine(), "--mean-input: " + e.getMessage());
        }
        Trajectories.write(turns, output);
        spec.commandLine().getErr().printf("%s: %,d turns of %,d sessions (seed %d)%n",
                output, turns.rowCount(), sessions, seed);
        return 0;
    }
}
