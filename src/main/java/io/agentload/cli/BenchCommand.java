package io.agentload.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentload.power.Boundary;
import io.agentload.replay.Run;
import io.agentload.sim.EngineConfig;
import io.agentload.slo.Simulation;
import io.agentload.slo.SloResult;
import io.agentload.slo.SloTier;
import io.agentload.slo.TrialMetrics;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code agentload bench}: the SLO search (DESIGN.md section 6) on a target, recorded in a run folder (section 8).
 * The target is the serving simulator in virtual time, built by {@link #simulation()} from {@code --system},
 * {@code --model} and the engine options; a real endpoint ({@code --endpoint URL}, real time) is another target for
 * the same trajectories, tiers, search, progress bar, run folder and outputs, built beside it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find how many concurrent agents a system serves per SLO tier (per-agent output speed and TTFT),",
                "per GPU and per megawatt, by ramping and bisecting the number of agents. The target is the serving",
                "simulator: a built-in system (agentload systems) serving a built-in model (agentload models), in",
                "virtual time. Writes a run folder: run.json, requests.parquet, trials.parquet, power.parquet,",
                "summary.json and report.html. A progress bar goes to standard error."})
final class BenchCommand implements Callable<Integer> {

    /** The system the main job simulates: the HGX H200 that AA-AgentPerf published, see docs/simulator.md. */
    static final String DEFAULT_SYSTEM = "h200x8";
    /** The model the main job serves: dense, so within the simulator's 15% calibration on Hopper. */
    static final String DEFAULT_MODEL = "llama-3.1-70b";
    /** The shipped sample of coding-agent sessions. */
    static final String DEFAULT_TRAJECTORIES = "data/coding-agent-sample.parquet";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    enum Switch { on, off }

    @Spec
    CommandSpec spec;

    @Option(names = "--system", paramLabel = "NAME", defaultValue = DEFAULT_SYSTEM,
            description = "simulated system (default: ${DEFAULT-VALUE}; see 'agentload systems')")
    String system;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = DEFAULT_MODEL,
            description = "simulated model (default: ${DEFAULT-VALUE}; see 'agentload models')")
    String model;

    @Option(names = "--tensor-parallel", paramLabel = "N",
            description = "GPUs per replica, as many replicas as fit (default: the fewest GPUs that hold the weights in half their memory)")
    Integer tensorParallel;

    @Option(names = "--prefix-cache", paramLabel = "on|off", defaultValue = "on",
            description = "the engine's prefix cache (default: ${DEFAULT-VALUE})")
    Switch prefixCache;

    @Option(names = "--trajectories", paramLabel = "FILE", defaultValue = DEFAULT_TRAJECTORIES,
            description = "sessions the agents replay: .parquet, .jsonl or .csv (default: ${DEFAULT-VALUE})")
    Path trajectories;

    @Option(names = "--tool-time-scale", paramLabel = "X", defaultValue = "1",
            description = "multiply every turn's tool time (default: ${DEFAULT-VALUE})")
    double toolTimeScale;

    @Option(names = "--tiers", paramLabel = "SPEC", defaultValue = Simulation.DEFAULT_TIERS,
            description = {"tiers by minimum tok/s (default: ${DEFAULT-VALUE}); SPEED:MAX_TTFT_S[:SHARE] sets",
                    "a TTFT limit and a share of agents, e.g. 30:4,60:3:0.95"})
    String tiers;

    @Option(names = "--window", paramLabel = "SECONDS", defaultValue = "" + Simulation.DEFAULT_WINDOW_SECONDS,
            description = "measurement window of each trial, virtual seconds (default: ${DEFAULT-VALUE})")
    double window;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--agents-max", paramLabel = "N", defaultValue = "65536",
            description = "the most agents the search tries (default: ${DEFAULT-VALUE})")
    int agentsMax;

    @Option(names = "--power-boundary", paramLabel = "gpu|node|rack",
            description = "power for Agents per Megawatt: gpu for the GPUs only (default: the system's own, node or rack)")
    String powerBoundary;

    @Option(names = {"-o", "--output"}, paramLabel = "RUNDIR",
            description = "the run folder to create (default: runs/<timestamp>-<system>-<model>)")
    Path output;

    @Option(names = "--json", description = "print one JSON object (the tiers' results) and nothing else on standard output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Simulation simulation = simulation();
        Path dir = output != null ? output : Path.of("runs", LocalDateTime.now().format(STAMP) + "-" + system + "-" + model);
        if (Files.exists(dir.resolve(Run.MANIFEST))) {
            throw new ParameterException(spec.commandLine(), dir + " already holds a run; choose another -o RUNDIR");
        }
        SloResult result = search(simulation, dir);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(result, dir));
        } else {
            printText(out, simulation, result, dir);
        }
        out.flush();
        return 0;
    }

    /** The simulated target from the options; bad values are bad usage, reported before any work starts. */
    private Simulation simulation() {
        Simulation s;
        try {
            s = Simulation.of(system, model);
            if (tensorParallel != null) s = s.engine(c -> c.withTensorParallel(tensorParallel));
            s.config().kvBlocksPerReplica();   // weights that leave no room for KV cache fail here, not in a trial
            if (powerBoundary != null) s = s.powerBoundary(Boundary.of(powerBoundary));
            s = s.prefixCaching(prefixCache == Switch.on).toolTimeScale(toolTimeScale).maxAgents(agentsMax)
                    .window(window).seed(seed).tiers(tiers);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return s.trajectories(trajectories);
    }

    /** Runs the search into {@code dir} with a progress bar of trials on standard error. */
    private SloResult search(Simulation simulation, Path dir) {
        try (ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(system + "/" + model)
                .setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" trials", 1)
                .setUpdateIntervalMillis(250)
                .setConsumer(new WriterProgressConsumer(spec.commandLine().getErr()))
                .build()) {
            Consumer<TrialMetrics> progress = m -> {
                bar.step();
                bar.setExtraMessage(m.agents() + " agents: " + simulation.tiers().stream()
                        .map(t -> speed(t) + (m.check(t).passed() ? " ok" : " no"))
                        .collect(Collectors.joining(", ")));
            };
            return simulation.onTrial(progress).search(dir);
        }
    }

    /** A tier's minimum speed as it was written: {@code 60}, {@code 30.5}. */
    private static String speed(SloTier tier) {
        double v = tier.minOutputTokensPerSecond();
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private String json(SloResult result, Path dir) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("target", "simulator");
        root.put("system", system);
        root.put("model", model);
        root.put("trajectories", trajectories.toString());
        root.put("prefix_caching", prefixCache == Switch.on);
        root.put("window_s", window);
        root.put("seed", seed);
        root.put("run_dir", dir.toString());
        root.setAll((ObjectNode) mapper.readTree(result.summaryJson()));
        return mapper.writeValueAsString(root);
    }

    private void printText(PrintWriter out, Simulation simulation, SloResult result, Path dir) {
        EngineConfig c = simulation.config();
        out.printf("%s serving %s (%d replica%s at TP%d, prefix cache %s), %s, %d trials%n", system, model,
                c.replicas(), c.replicas() == 1 ? "" : "s", c.tensorParallel(), prefixCache, trajectories,
                result.trials().size());
        out.printf("%-40s %10s %10s %10s %10s  %s%n", "tier", "max agents", "agents/GPU", "agents/MW", "mean W", "power boundary");
        for (SloResult.TierResult t : result.tiers()) {
            boolean power = t.power().present();
            out.printf(Locale.ROOT, "%-40s %10s %10.2f %10s %10s  %s%n", t.tier().label(),
                    (t.capped() ? ">=" : "") + t.maxAgents(), t.agentsPerGpu(),
                    power ? String.format(Locale.ROOT, "%,.0f", t.agentsPerMegawatt()) : "-",
                    power ? String.format(Locale.ROOT, "%,.0f", t.power().meanWatts()) : "-",
                    power ? t.power().boundary() : "-");
        }
        out.printf("run folder: %s (report.html)%n", dir);
    }

    /**
     * Draws the bar over one line of a writer (standard error), so that standard output stays the result alone;
     * each drawing is padded to the longest one so far, covering whatever an earlier drawing left.
     */
    private static final class WriterProgressConsumer implements ProgressBarConsumer {
        private final PrintWriter err;
        private int longest;

        WriterProgressConsumer(PrintWriter err) {
            this.err = err;
        }

        @Override
        public int getMaxRenderedLength() {
            return 100;
        }

        @Override
        public void accept(String rendered) {
            longest = Math.max(longest, rendered.length());
            err.print("\r" + rendered + " ".repeat(longest - rendered.length()));
            err.flush();
        }

        @Override
        public void close() {
            err.println();
            err.flush();
        }
    }
}
