package io.agentload.bench;

import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.Turn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Writing and reading a million-turn table as Parquet (targets on a 2-core machine: read under 2 s, write under
 * 4 s). The table is 10,000 sessions of 100 turns with coding-agent-like numbers and no hash ids; add
 * {@code -Dbench.opts="-p hashIdsPerTurn=24"} to give every turn 24 Mooncake-like block hashes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class TrajectoryParquetBench {

    private static final List<String> LANGUAGES = List.of("python", "typescript", "javascript", "java", "go",
            "rust", "c++", "c#", "c", "ruby", "php", "kotlin");

    @Param({"0"})
    public int hashIdsPerTurn;

    private Path directory;
    private Path written;
    private Path stored;
    private Table table;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("trajectory-bench");
        written = directory.resolve("written.parquet");
        stored = directory.resolve("stored.parquet");
        table = Trajectories.table(turns(10_000, 100, hashIdsPerTurn));
        Trajectories.write(table, stored);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(written);
        Files.deleteIfExists(stored);
        Files.deleteIfExists(directory);
    }

    @Benchmark
    public Path write1M() {
        Trajectories.write(table, written);
        return written;
    }

    @Benchmark
    public Table read1M() {
        return Trajectories.read(stored);
    }

    private static List<Turn> turns(int sessions, int turnsPerSession, int hashIdsPerTurn) {
        SplittableRandom random = new SplittableRandom(42);
        List<Turn> turns = new ArrayList<>(sessions * turnsPerSession);
        for (int s = 0; s < sessions; s++) {
            String sessionId = "session-" + s;
            String language = LANGUAGES.get(random.nextInt(LANGUAGES.size()));
            int input = 0, output = 0;
            for (int k = 0; k < turnsPerSession; k++) {
                int reused = k == 0 ? 0 : input + output;
                input = (k == 0 ? 9_000 : reused) + random.nextInt(200, 3_000);
                if (input > 131_072) {
                    reused = 0;
                    input = 9_000 + random.nextInt(1_000, 4_000);
                }
                output = random.nextInt(20, 2_000);
                List<Long> hashIds = new ArrayList<>(hashIdsPerTurn);
                for (int h = 0; h < hashIdsPerTurn; h++) hashIds.add((long) s * 1_000 + h);
                turns.add(new Turn(sessionId, k, language, input, reused, "harness-a", 8_000, output,
                        random.nextLong(50, 5_000), hashIds));
            }
        }
        return turns;
    }
}
