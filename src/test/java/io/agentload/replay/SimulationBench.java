package io.agentload.replay;

import io.agentload.sim.EngineConfig;
import io.agentload.trajectory.Session;
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

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the simulated benchmark costs on this machine, each measured once (a search is seconds long and
 * deterministic):
 * <ul>
 *   <li>{@code defaultBench}: the search {@code agentload bench} runs by default (h200x8 serving llama-3.1-70b, the
 *   shipped sample, tiers 20, 60 and 100 tok/s, 600 s windows) into a run folder, with every file written; it prints
 *   the trials, the simulated requests and requests per second of wall time;</li>
 *   <li>{@code thousandAgentsAt131kTokens}: one trial of 1,000 agents whose contexts run from 100K to 131K tokens,
 *   on an h200x8 serving llama-3.1-70b (the KV cache holds a few dozen such contexts: nearly every agent waits in
 *   the queue with its prompt's block hashes) and on a gb300-nvl72 serving llama-3.1-8b (every context fits: the KV
 *   cache holds 130M tokens); it prints the live heap at the trial's end, engine and records still held.</li>
 * </ul>
 * Run with {@code ./mvnw -B -q -o -Pbench test-compile exec:exec -Dbench=SimulationBench} from the project folder.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public class SimulationBench {

    /** The default bench's run folder, deleted after the measurement. */
    @State(Scope.Benchmark)
    public static class RunFolder {
        Path dir;
        SloResult result;

        @Setup(Level.Iteration)
        public void create() throws IOException {
            dir = Files.createTempDirectory("simulation-bench");
        }

        @TearDown(Level.Iteration)
        public void report() throws IOException {
            long requests = Run.open(dir.resolve("run")).records().size();
            System.out.printf("%n%d trials, %,d simulated requests; tiers:%n", result.trials().size(), requests);
            result.tiers().forEach(t -> System.out.printf("  %s: %d agents, %.0f agents/MW at %.0f W (%s)%n",
                    t.tier().label(), t.maxAgents(), t.agentsPerMegawatt(), t.meanWatts(), t.power().orElseThrow().boundary()));
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    @Benchmark
    public SloResult defaultBench(RunFolder folder) {
        folder.result = Simulation.of("h200x8", "llama-3.1-70b").withTrajectories(Path.of("data/coding-agent-sample.parquet"))
                .withTiers(SloTier.parse("20,60,100")).withWindow(Duration.ofSeconds(600)).search(folder.dir.resolve("run"));
        return folder.result;
    }

    /** A system serving 1,000 agents of 131K-token contexts, kept alive until the heap is measured. */
    @State(Scope.Benchmark)
    public static class LongContexts {
        @Param({"h200x8/llama-3.1-70b", "gb300-nvl72/llama-3.1-8b"})
        String target;

        List<Session> sessions;
        VirtualTimeDriver driver;
        Trial trial;

        @Setup(Level.Iteration)
        public void setUp() {
            sessions = longSessions(200);
        }

        /** The live heap at the trial's end: the engine still full, every record of the trial still held. */
        @TearDown(Level.Iteration)
        public void report() {
            System.gc();
            long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.printf("%n%s, 1,000 agents at 100-131K tokens: live heap %.0f MB after a full collection, "
                    + "holding the trial's %,d records and the engine as the trial left it%n", target, live / 1e6,
                    trial.records().size());
        }

        /**
         * Sessions of 20 turns from 100K tokens growing by 1,000-1,500 a turn (up to about 127K prompt plus
         * output), 150-token outputs, 0.1-1 s of tools.
         */
        static List<Session> longSessions(int count) {
            Random random = new Random(131);
            List<Session> out = new ArrayList<>(count);
            for (int s = 0; s < count; s++) {
                String id = "long" + s;
                List<Turn> turns = new ArrayList<>();
                int input = 100_000 + random.nextInt(2_000), reused = 0;
                for (int t = 0; t < 20; t++) {
                    int output = 100 + random.nextInt(100);
                    turns.add(new Turn(id, t, "java", input, reused, "harness", 8_000, output, 100 + random.nextInt(900),
                            List.of()));
                    reused = input + output;
                    input = reused + 1_000 + random.nextInt(500);
                }
                out.add(new Session(id, "java", turns));
            }
            return out;
        }
    }

    @Benchmark
    public Trial thousandAgentsAt131kTokens(LongContexts state) {
        String[] target = state.target.split("/");
        TrialPlan plan = TrialPlan.defaults().withWarmUpSeconds(0, 120).withMeasurementSeconds(60);
        state.driver = VirtualTimeDriver.builder(EngineConfig.of(target[0], target[1]), state.sessions).plan(plan).build();
        state.trial = state.driver.run(0, 1_000, r -> { });
        return state.trial;
    }
}
