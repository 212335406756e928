package io.agentload.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentload.endpoint.Endpoint;
import io.agentload.power.Boundary;
import io.agentload.power.Power;
import io.agentload.power.PowerException;
import io.agentload.replay.Replay;
import io.agentload.replay.ReplaySummary;
import io.agentload.replay.Run;
import io.agentload.replay.RunManifest;
import io.agentload.replay.SearchSummary;
import io.agentload.replay.Simulation;
import io.agentload.replay.SloResult;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import io.agentload.sim.EngineConfig;
import io.agentload.sim.ModelProfile;
import io.agentload.sim.SystemProfile;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code agentload bench}: the SLO search (docs/design.md, "Tiers and the SLO search") on a target, recorded in a run
 * folder. The target is the serving simulator in virtual time, built by {@link #simulation()} from {@code --system},
 * {@code --model} and the engine options, or a real endpoint ({@code --endpoint URL --model NAME}) in real time, built
 * by {@link #replay(Endpoint)}: the same trajectories, tiers, search, run folder and outputs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Find how many concurrent agents a system serves per SLO tier (per-agent output " +
                "speed and TTFT), per GPU and per megawatt, by ramping and bisecting the number of " +
                "agents. The target is the serving simulator, a built-in system (agentload systems) " +
                "serving a built-in model (agentload models) in virtual time; or, with --endpoint URL " +
                "--model NAME, a real OpenAI-compatible endpoint in real time. Writes a run folder: " +
                "run.json, requests.parquet, trials.parquet, agents.parquet (simulator), power.parquet, summary.json and " +
                "report.html. A progress bar goes to standard error. --resume RUNDIR continues a " +
                "killed endpoint run.")
final class BenchCommand implements Callable<Integer> {

    /** The system the main job simulates: the HGX H200 that AA-AgentPerf published, see docs/simulator.md. */
    static final String DEFAULT_SYSTEM = "h200x8";
    /** The model the main job serves: dense, so within the simulator's 15% calibration on Hopper. */
    static final String DEFAULT_MODEL = "llama-3.1-70b";
    /** The shipped sample of coding-agent sessions. */
    static final String DEFAULT_TRAJECTORIES = "data/coding-agent-sample.parquet";

    /** An endpoint's trials run in real time: Artificial Analysis' 3-minute phases rather than the simulator's 10. */

    /** Options that describe the simulator, meaningless for an endpoint. */
    private static final List<String> SIMULATOR_ONLY = List.of("--system", "--tensor-parallel", "--prefix-cache",
            "--power-boundary", "--deployment", "--all-requests");
    /** Options that describe an endpoint, meaningless for the simulator. */
    private static final List<String> ENDPOINT_ONLY = Stream.concat(Stream.of("--api", "--api-key-env", "--gpus"),
            TimeoutOptions.NAMES.stream()).toList();

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    enum Switch { on, off }

    @Spec
    CommandSpec spec;

    @Option(names = "--system", paramLabel = "NAME", defaultValue = DEFAULT_SYSTEM,
            description = "simulated system (default: ${DEFAULT-VALUE}; see 'agentload systems')")
    String system;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = DEFAULT_MODEL,
            description = "simulated model (default: ${DEFAULT-VALUE}; see 'agentload models'); with --endpoint, the "
                    + "served model's name (required)")
    String model;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "bench this OpenAI-compatible endpoint in real time instead, e.g. http://gpu-node:8000/v1")
    String endpoint;

    @Option(names = "--api", paramLabel = "API", defaultValue = "completions",
            description = "with --endpoint: completions (token ids, exact prefix reuse; default) or chat (text)")
    String api;

    @Option(names = "--api-key-env", paramLabel = "NAME",
            description = "with --endpoint: the variable holding the API key (default: OPENAI_API_KEY when set)")
    String apiKeyEnv;

    @Mixin
    TimeoutOptions timeouts;

    @Option(names = "--gpus", paramLabel = "N",
            description = "with --endpoint: the GPUs behind it, for agents per GPU (default: 1)")
    Integer gpus;

    @Option(names = "--power", paramLabel = "SPEC",
            description = "power: model, the simulator's (its default); with --endpoint nvidia-smi[=PATH], dcgm=URL, "
                    + "redfish[@rack]=URL (node boundary) or constant=WATTS[:gpu|node|rack] (default: none, so no "
                    + "Agents per MW)")
    String power;

    @Option(names = "--resume", paramLabel = "RUNDIR",
            description = "continue the endpoint search recorded in RUNDIR, reusing its finished trials (a simulated "
                    + "run is rerun instead: it is deterministic)")
    Path resume;

    @Option(names = "--tensor-parallel", paramLabel = "N",
            description = "GPUs per replica, as many replicas as fit (default: 8, one replica per NVLink node, fewer if the GPUs do not divide)")
    Integer tensorParallel;

    @Option(names = "--deployment", paramLabel = "SPEC|auto",
            description = {"serve as this deployment, e.g. ctx=1x(tp4,ep4,dp4),gen=1x(tp4,ep4,dp4),batch=64,"
                    + "tokens=1024 or aa-b300 (grammar: docs/simulator.md, Deployments); auto searches the candidate "
                    + "layouts (unified, disagg-1to1, disagg-1to3, wide EP on an NVL72) and reports the best per tier",
                    "(default: one replica per 8-GPU node, as --tensor-parallel says)"})
    String deployment;

    /** {@code --deployment auto}'s candidate layouts by name, found with the simulation. */
    private Map<String, EngineConfig.Deployment> candidates = Map.of();

    @Option(names = "--prefix-cache", paramLabel = "on|off",
            description = "the engine's prefix cache (default: on, but off for DeepSeek V4 on Hopper, as its engines "
                    + "ran there; docs/simulator.md, Launch engines)")
    Switch prefixCache;

    @Option(names = "--trajectories", paramLabel = "FILE", defaultValue = DEFAULT_TRAJECTORIES,
            description = "sessions the agents replay: .parquet, .jsonl or .csv (default: ${DEFAULT-VALUE})")
    Path trajectories;

    @Option(names = "--tool-time-scale", paramLabel = "X", defaultValue = "1",
            description = "multiply every turn's tool time (default: ${DEFAULT-VALUE})")
    double toolTimeScale;

    @Mixin
    ToolTimeOption toolTime;

    @Option(names = "--tiers", paramLabel = "SPEC", defaultValue = CliDefaults.TIERS, converter = TiersConverter.class,
            description = {"tiers by minimum tok/s (default: ${DEFAULT-VALUE}); SPEED:MAX_TTFT_S[:SHARE] sets",
                    "a TTFT limit and a share of agents, e.g. 30:4,60:3:0.95; aa is AA-AgentPerf's 20 tok/s",
                    "with TTFT at most 10 s"})
    List<SloTier> tiers;

    @Option(names = "--window", paramLabel = "DURATION", defaultValue = CliDefaults.WINDOW,
            converter = DurationConverter.class, description = "measurement window of each trial, e.g. 10m or 90s: "
                    + "virtual time on the simulator, real time with --endpoint (default: ${DEFAULT-VALUE}; 3m with "
                    + "--deployment auto, AA-AgentPerf's phase length)")
    Duration window;

    /** {@code --deployment auto}'s window when none is given: AA-AgentPerf's fixed-concurrency phases of 3 minutes. */
    static final Duration AUTO_WINDOW = Duration.ofMinutes(3);

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

    @Option(names = "--itl-detail", description = "keep every request's inter-token gaps, in memory and in "
            + "requests.parquet (itl_s), not only their count, mean, p50, p90, p99 and max (one float per output "
            + "token: a third of a big trial's memory, ~2.5x the file)")
    boolean itlDetail;

    @Option(names = "--all-requests", description = "simulator: keep a row in requests.parquet for every request of "
            + "every trial, not only those in flight during the windows of the trials the search reports (each tier's "
            + "at max agents and its smallest failing one; the other trials keep per-agent figures in agents.parquet, "
            + "and warm-up and cool-down requests are counted in trials.parquet); implied by --itl-detail")
    boolean allRequests;

    @Option(names = "--threads", paramLabel = "N",
            description = "simulated trials computed at once (default: one per processor); the answer and the run "
                    + "folder are the same for any N")
    Integer threads;

    @Option(names = "--json", description = "print one JSON object (the tiers' results) and nothing else on standard output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (resume != null) return resumeEndpoint();
        if (endpoint != null) {
            if (threads != null) {
                throw new ParameterException(spec.commandLine(), "--threads is for the simulator: an endpoint's "
                        + "trials share one server and run one at a time");
            }
            return benchEndpoint();
        }
        for (String name : ENDPOINT_ONLY) {
            if (matched(name)) throw new ParameterException(spec.commandLine(), name + " needs --endpoint URL");
        }
        if (power != null && !power.strip().equals("model")) {
            throw new ParameterException(spec.commandLine(), "--power: the simulator's power is its model (--power "
                    + "model, the default); measured sources need --endpoint URL");
        }
        Simulation simulation = simulation();
        Path dir = output != null ? output : Path.of("runs", LocalDateTime.now().format(STAMP) + "-" + system + "-" + model);
        if (Files.exists(dir.resolve(Run.MANIFEST))) {
            throw new ParameterException(spec.commandLine(), dir + " already holds a run; choose another -o RUNDIR");
        }
        if (auto()) return searchDeployments(simulation, dir);
        SloResult result = search(simulation, dir);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(dir, simulation));
        } else {
            printText(out, simulation, result, dir);
        }
        out.flush();
        return 0;
    }

    private boolean matched(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The search against {@code --endpoint} in real time. */
    private int benchEndpoint() throws Exception {
        for (String name : SIMULATOR_ONLY) {
            if (matched(name)) throw new ParameterException(spec.commandLine(), name + " describes the simulator, not --endpoint");
        }
        if (!matched("--model")) {
            throw new ParameterException(spec.commandLine(), "--endpoint needs --model NAME, the served model's name");
        }
        Path dir = output != null ? output : Path.of("runs", LocalDateTime.now().format(STAMP) + "-endpoint-"
                + model.replaceAll("[^A-Za-z0-9._-]", "_"));
        if (Files.exists(dir.resolve(Run.MANIFEST))) {
            throw new ParameterException(spec.commandLine(), dir + " already holds a run; choose another -o RUNDIR");
        }
        if (!Files.exists(trajectories)) {
            throw new ParameterException(spec.commandLine(), "--trajectories: " + trajectories + " does not exist");
        }
        Endpoint e;
        try {
            e = EndpointOptions.build(endpoint, model, api, apiKeyEnv, timeouts);
        } catch (IllegalArgumentException bad) {
            throw new ParameterException(spec.commandLine(), bad.getMessage());
        }
        try (e) {
            return printed(replay(e).search(dir), e, dir);
        }
    }

    /** Continues the endpoint search recorded in {@code --resume}. */
    private int resumeEndpoint() throws Exception {
        CliChecks.onlyWhenResuming(spec, resume,
                Stream.concat(Stream.of("--resume", "--json"), TimeoutOptions.NAMES.stream()).toList());
        RunManifest manifest = Run.open(resume).manifest();
        if (!(manifest.config() instanceof RunManifest.EndpointConfig c && "bench".equals(c.mode())
                && manifest.endpoint() instanceof RunManifest.HttpEndpoint recorded)) {
            throw new ParameterException(spec.commandLine(), resume + " does not hold an endpoint search (run.json says "
                    + (manifest.config() instanceof RunManifest.SimulatorConfig ? "simulator: rerun it, the "
                    + "simulator is deterministic" : "mode " + ReplayCommand.mode(manifest)) + ")");
        }
        try (Endpoint e = EndpointOptions.fromRun(recorded, timeouts)) {
            return printed(progress(timeouts.applyTo(Replay.fromRun(resume, e))).resumeSearch(resume), e, resume);
        }
    }

    /** The real-time search from the options, with a progress bar per trial and a line after each. */
    private Replay replay(Endpoint e) {
        try {
            Replay r = Replay.against(e).withTrajectories(trajectories).withTiers(tiers).withSeed(seed)
                    .withWindow(window).withToolTimeScale(toolTimeScale).withToolTimes(toolTime.toolTimes).withMaxAgents(agentsMax)
                    .withGpus(gpus == null ? 1 : gpus).withItlDetail(itlDetail);
            r = timeouts.applyTo(r);
            return progress(power == null ? r : r.withPower(Power.source(power)));
        } catch (IllegalArgumentException | PowerException bad) {
            throw new ParameterException(spec.commandLine(), bad.getMessage());
        }
    }

    private Replay progress(Replay replay) {
        PrintWriter err = spec.commandLine().getErr();
        return replay.withProgress(err).withTrialListener(m -> {
            err.printf("trial %d, %d agents: %s%n", m.trial(), m.agents(), replay.tiers().stream()
                    .map(t -> speed(t) + (m.check(t).passed() ? " ok" : " no")).collect(Collectors.joining(", ")));
            err.flush();
        });
    }

    private int printed(SloResult result, Endpoint e, Path dir) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper mapper = new ObjectMapper();
        Run run = Run.open(dir);
        if (json) {
            RunManifest.EndpointConfig config = (RunManifest.EndpointConfig) run.manifest().config();
            ObjectNode root = mapper.createObjectNode();
            root.put("target", "endpoint");
            root.put("endpoint", e.url());
            root.put("model", e.model());
            root.put("trajectories", config.trajectories());
            root.put("window_s", config.windowS());
            root.put("seed", config.seed());
            root.put("run_dir", dir.toString());
            root.setAll(summaryFields(mapper, dir));
            out.println(mapper.writeValueAsString(root));
        } else {
            out.printf("%s serving %s, %d trials%n", e.url(), e.model(), result.trials().size());
            printTiers(out, result);
            SearchSummary summary = run.searchSummary();
            for (SearchSummary.Tier t : summary.tiers()) {
                if (t.energyJ() == null || t.energyJ().isNaN()) continue;
                out.printf(Locale.ROOT, "  %s tok/s at %d agents: %,.1f kJ in the window, power readings covering %.1f%% of it%n",
                        speed(t.tier()), t.maxAgents(), t.energyJ() / 1e3, 100 * t.powerCoverage());
            }
            ReplaySummary.SendLag lag = summary.sendLagMs();
            out.printf(Locale.ROOT, "requests: %s; send lag p99 %.2f ms, %d sends in a window later than %d ms%n",
                    statuses(summary.requestsByStatus()), lag.p99(), lag.lateMeasuredSends(), lag.lateThresholdMs());
            out.printf("run folder: %s (report.html)%n", dir);
        }
        out.flush();
        return 0;
    }

    private static String statuses(Map<String, Long> byStatus) {
        List<String> parts = new ArrayList<>();
        byStatus.forEach((status, count) -> parts.add(String.format(Locale.ROOT, "%,d %s", count, status)));
        return String.join(", ", parts);
    }

    /** The fields of a run folder's {@code summary.json} as it holds them, for {@code --json} to print. */
    private static ObjectNode summaryFields(ObjectMapper mapper, Path dir) throws IOException {
        return (ObjectNode) mapper.readTree(dir.resolve(Run.SUMMARY).toFile());
    }

    /** The simulated target from the options; bad values are bad usage, reported before any work starts. */
    private Simulation simulation() {
        Simulation s;
        try {
            if (deployment != null && tensorParallel != null) {
                throw new IllegalArgumentException("--deployment lays out the workers: leave out --tensor-parallel");
            }
            if (deployment != null && !auto()) {
                // The layout alone decides the fit: the default layout's rule must not refuse a model it can serve.
                EngineConfig.Deployment d = EngineConfig.Deployment.parse(deployment);
                s = Simulation.of(EngineConfig.of(SystemProfile.named(system), ModelProfile.named(model), d));
            } else if (auto()) {
                // As for one given layout, each candidate alone decides the fit: the default layout's rule refuses
                // DeepSeek V4 Pro on h200x8, which fits with attention data-parallel.
                SystemProfile sys = SystemProfile.named(system);
                ModelProfile mod = ModelProfile.named(model);
                candidates = EngineConfig.candidateDeployments(sys, mod);
                if (candidates.isEmpty()) {
                    throw new IllegalArgumentException("model " + model + " fits none of --deployment auto's layouts on "
                            + system + " with room for KV cache");
                }
                s = Simulation.of(EngineConfig.of(sys, mod, candidates.values().iterator().next()));
            } else {
                s = Simulation.of(system, model);
            }
            if (tensorParallel != null) s = s.withEngine(c -> c.withTensorParallel(tensorParallel));
            s.config().kvBlocksPerReplica();   // weights that leave no room for KV cache fail here, not in a trial
            if (powerBoundary != null) s = s.withPowerBoundary(Boundary.of(powerBoundary));
            if (prefixCache != null) s = s.withPrefixCaching(prefixCache == Switch.on);
            s = s.withToolTimeScale(toolTimeScale).withToolTimes(toolTime.toolTimes).withMaxAgents(agentsMax)
                    .withWindow(auto() && !matched("--window") ? AUTO_WINDOW : window).withSeed(seed).withTiers(tiers)
                    .withItlDetail(itlDetail).withAllRequests(allRequests);
            if (threads != null) s = s.withThreads(threads);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return s.withTrajectories(trajectories);
    }

    private boolean auto() {
        return deployment != null && deployment.strip().equalsIgnoreCase("auto");
    }

    /** {@code --deployment auto}: a search per candidate layout, the best per tier printed with its layout. */
    private int searchDeployments(Simulation simulation, Path dir) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        SearchSummary best;
        try (ProgressBar bar = progressBar(system + "/" + model + " " + candidates.size() + " layouts")) {
            best = simulation.withTrialListener(progress(bar, simulation)).searchDeployments(candidates, dir);
        }
        err.flush();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(dir, simulation));
        } else {
            out.printf("%s serving %s, %s, %d trials over %d layouts:%n", system, model, trajectories, best.trials(),
                    candidates.size());
            candidates.forEach((name, d) -> out.printf("  %-16s %s%n", name, d));
            out.printf("%-40s %10s %10s %10s %10s  %s%n", "tier", "max agents", "agents/GPU", "agents/MW", "mean W",
                    "best deployment");
            for (SearchSummary.Tier t : best.tiers()) {
                boolean power = !Double.isNaN(t.meanPowerW());
                String name = candidates.entrySet().stream().filter(e -> e.getValue().toString().equals(t.deployment()))
                        .map(Map.Entry::getKey).findFirst().orElse("");
                out.printf(Locale.ROOT, "%-40s %10s %10.2f %10s %10s  %s (%s)%n", t.tier().label(),
                        (t.capped() ? ">=" : "") + t.maxAgents(), t.agentsPerGpu(),
                        power ? String.format(Locale.ROOT, "%,.0f", t.agentsPerMw()) : "-",
                        power ? String.format(Locale.ROOT, "%,.0f", t.meanPowerW()) : "-", name, t.deployment());
            }
            out.printf("run folders: %s/<layout> (report.html); the comparison: %s%n", dir, dir.resolve(Run.REPORT));
        }
        out.flush();
        return 0;
    }

    private ProgressBar progressBar(String task) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" trials", 1)
                .setUpdateIntervalMillis(250)
                .setConsumer(new WriterProgressConsumer(spec.commandLine().getErr()))
                .build();
    }

    private static Consumer<TrialMetrics> progress(ProgressBar bar, Simulation simulation) {
        return m -> {
            bar.step();
            bar.setExtraMessage(m.agents() + " agents: " + simulation.tiers().stream()
                    .map(t -> speed(t) + (m.check(t).passed() ? " ok" : " no"))
                    .collect(Collectors.joining(", ")));
        };
    }

    /** Runs the search into {@code dir} with a progress bar of trials on standard error. */
    private SloResult search(Simulation simulation, Path dir) {
        try (ProgressBar bar = progressBar(system + "/" + model)) {
            return simulation.withTrialListener(progress(bar, simulation)).search(dir);
        }
    }

    /** A tier's minimum speed as it was written: {@code 60}, {@code 30.5}. */
    private static String speed(SloTier tier) {
        double v = tier.minOutputTokensPerSecond();
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private String json(Path dir, Simulation simulation) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("target", "simulator");
        root.put("system", system);
        root.put("model", model);
        root.put("trajectories", trajectories.toString());
        root.put("prefix_caching", simulation.config().prefixCaching());
        root.put("window_s", simulation.window().toNanos() / 1e9);
        root.put("seed", seed);
        root.put("run_dir", dir.toString());
        root.setAll(summaryFields(mapper, dir));
        return mapper.writeValueAsString(root);
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    private void printText(PrintWriter out, Simulation simulation, SloResult result, Path dir) {
        EngineConfig c = simulation.config();
        if (c.deployment() != null) {
            out.printf("%s serving %s (deployment %s, prefix cache %s), %s, %d trials%n", system, model, c.deployment(),
                    onOff(c.prefixCaching()), trajectories, result.trials().size());
        } else {
            out.printf("%s serving %s (%d replica%s at TP%d, prefix cache %s), %s, %d trials%n", system, model,
                    c.replicas(), c.replicas() == 1 ? "" : "s", c.tensorParallel(), onOff(c.prefixCaching()), trajectories,
                    result.trials().size());
        }
        printTiers(out, result);
        out.printf("run folder: %s (report.html)%n", dir);
    }

    private static void printTiers(PrintWriter out, SloResult result) {
        out.printf("%-40s %10s %10s %10s %10s  %s%n", "tier", "max agents", "agents/GPU", "agents/MW", "mean W", "power boundary");
        for (SloResult.TierResult t : result.tiers()) {
            boolean power = t.power().isPresent();
            out.printf(Locale.ROOT, "%-40s %10s %10.2f %10s %10s  %s%n", t.tier().label(),
                    (t.capped() ? ">=" : "") + t.maxAgents(), t.agentsPerGpu(),
                    power ? String.format(Locale.ROOT, "%,.0f", t.agentsPerMegawatt()) : "-",
                    power ? String.format(Locale.ROOT, "%,.0f", t.meanWatts()) : "-",
                    power ? t.power().get().boundary() : "-");
        }
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
