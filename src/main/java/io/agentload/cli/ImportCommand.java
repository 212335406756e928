package io.agentload.cli;

import io.agentload.trajectory.Trajectories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code agentload import mooncake|aa FILE... -o FILE}: public traces as a turn table. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Convert public traces into a turn table.",
                "  mooncake  Mooncake traces (timestamp, input_length, output_length and hash_ids",
                "            per line); sessions derived from chained 512-token block hashes.",
                "  aa        Artificial Analysis replay traces (OpenAI messages per model call);",
                "            token counts from the o200k_base tokenizer.",
                "A directory stands for every .jsonl file under it."})
final class ImportCommand implements Callable<Integer> {

    enum Source { mooncake, aa }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "mooncake|aa", description = "the trace format")
    Source source;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "trace files or directories")
    List<Path> traces;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "the turn table to write: .parquet, .jsonl or .csv")
    Path output;

    @Override
    public Integer call() {
        CliChecks.trajectoryFileName(spec, output);
        Path[] files = traces.toArray(Path[]::new);
        Table turns = switch (source) {
            case mooncake -> Trajectories.importMooncake(files);
            case aa -> Trajectories.importAa(files);
        };
        Trajectories.write(turns, output);
        spec.commandLine().getErr().printf("%s: %,d turns of %,d sessions from %s%n", output, turns.rowCount(),
                turns.stringColumn(Trajectories.SESSION_ID).countUnique(),
                String.join(", ", traces.stream().map(Path::toString).toList()));
        return 0;
    }
}
