package io.agentload.replay;

import io.agentload.power.Boundary;
import io.agentload.sim.EngineConfig;
import io.agentload.sim.SystemProfile;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.WorkloadShape.ToolTimes;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The SLO benchmark on the serving simulator, in virtual time: how many concurrent agents a system serves per tier,
 * per GPU and per megawatt, before anyone owns the hardware (docs/design.md, "From a trajectory file to a chart";
 * docs/simulator.md).
 *
 * <pre>{@code
 * Table turns = Trajectories.read("data/coding-agent-sample.parquet");
 * SloResult r = Simulation.of("h200x8", "llama-3.1-70b").withTrajectories(turns).search();
 * r.tiers().get(0).agentsPerMegawatt();
 * }</pre>
 *
 * <p>A simulation is an immutable value: each {@code with*} method returns a changed copy, so one simulation can
 * branch into variants: {@code sim.withPrefixCaching(false)}, {@code sim.withToolTimeScale(2)},
 * {@code sim.withEngine(c -> c.withMaxBatchTokens(2048))}. {@link #trial(int)} runs one fixed concurrency, for curves
 * of any metric against agents; {@link #search()} runs the whole concurrency search ({@link SloSearch}) and
 * {@link #search(Path)} records it in a run folder (docs/design.md, "The run folder").
 *
 * <p>Defaults, the same as {@link Replay}'s: tiers {@link SloTier#defaults()}; seed 1; warm-up until every agent has
 * finished a turn and the prefix cache is warm, at most ten minutes; a ten-minute measurement window;
 * 1 to 65,536 agents; power at the system's boundary (the node of an 8-GPU system, the rack of an NVL72), modelled.
 * Same settings, same result: the simulator and the agents are deterministic for a seed, and a search runs one trial
 * per processor at once ({@link #withThreads}) without changing its result.
 */
public final class Simulation {

    private static final int MAX_AGENTS = 1 << 16;

    private final Settings settings;

    /** Everything a simulation is set to; each {@code with*} changes a copy. */
    private static final class Settings {
        EngineConfig engine;
        List<Session> sessions = List.of();
        String trajectories = "";
        List<SloTier> tiers = SloTier.defaults();
        TrialPlan plan = TrialPlan.defaults();
        double toolTimeScale = 1;
        ToolTimes toolTimes = ToolTimes.RECORDED;
        int maxAgents = MAX_AGENTS;
        Boundary powerBoundary;
        Consumer<TrialMetrics> onTrial = m -> { };
        boolean itlDetail;
        boolean allRequests;
        int threads = Runtime.getRuntime().availableProcessors();
        double tolerance;
        int rampStart = 1;
        double rampGrowth = 2;
        boolean cutAtVerdict = true;
        boolean primedStarts = true;

        Settings copy() {
            Settings c = new Settings();
            c.engine = engine;
            c.sessions = sessions;
            c.trajectories = trajectories;
            c.tiers = tiers;
            c.plan = plan;
            c.toolTimeScale = toolTimeScale;
            c.toolTimes = toolTimes;
            c.maxAgents = maxAgents;
            c.powerBoundary = powerBoundary;
            c.onTrial = onTrial;
            c.itlDetail = itlDetail;
            c.allRequests = allRequests;
            c.threads = threads;
            c.rampStart = rampStart;
            c.rampGrowth = rampGrowth;
            c.tolerance = tolerance;
            c.cutAtVerdict = cutAtVerdict;
            c.primedStarts = primedStarts;
            return c;
        }
    }

    private Simulation(Settings settings) {
        this.settings = settings;
    }

    /** A copy with {@code change} applied to its settings. */
    private Simulation with(Consumer<Settings> change) {
        Settings c = settings.copy();
        change.accept(c);
        return new Simulation(c);
    }

    /** A built-in system serving a built-in model ({@code agentload systems}, {@code agentload models}). */
    public static Simulation of(String system, String model) {
        return of(EngineConfig.of(system, model));
    }

    /** A system serving a model as {@code engine} configures it. */
    public static Simulation of(EngineConfig engine) {
        Settings s = new Settings();
        s.engine = Objects.requireNonNull(engine, "engine");
        return new Simulation(s);
    }

    /** Agents replay the sessions of this turn table (e.g. {@code Trajectories.read(file)}). */
    public Simulation withTrajectories(Table turns) {
        List<Session> read = Trajectories.sessions(turns);
        return with(c -> {
            c.sessions = read;
            c.trajectories = turns.name();
        });
    }

    /** Agents replay the sessions of this turn file: {@code .parquet}, {@code .jsonl} or {@code .csv}. */
    public Simulation withTrajectories(Path file) {
        List<Session> read = Trajectories.sessions(Trajectories.read(file));
        return with(c -> {
            c.sessions = read;
            c.trajectories = file.toString();
        });
    }

    /** Agents replay these sessions. */
    public Simulation withSessions(List<Session> sessions) {
        List<Session> copy = List.copyOf(sessions);
        return with(c -> {
            c.sessions = copy;
            c.trajectories = "sessions";
        });
    }

    /** The tiers to search. */
    public Simulation withTiers(List<SloTier> tiers) {
        if (tiers.isEmpty()) throw new IllegalArgumentException("no tiers to search");
        List<SloTier> copy = List.copyOf(tiers);
        return with(c -> c.tiers = copy);
    }

    /** Prefix caching on (the default, as vLLM and SGLang serve) or off. */
    public Simulation withPrefixCaching(boolean on) {
        return withEngine(c -> c.withPrefixCaching(on));
    }

    /**
     * Any change to the engine's configuration, e.g. {@code c -> c.withTensorParallel(8)} or
     * {@code c -> c.withSpeculation(3, 0.7)}.
     */
    public Simulation withEngine(UnaryOperator<EngineConfig> change) {
        EngineConfig changed = Objects.requireNonNull(change.apply(settings.engine), "engine");
        return with(c -> c.engine = changed);
    }

    /** Multiplies every turn's tool time: 2 means tools take twice as long, so each agent asks less often. */
    public Simulation withToolTimeScale(double scale) {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("tool-time scale " + scale + " is not a finite number >= 0");
        }
        return with(c -> c.toolTimeScale = scale);
    }

    /**
     * Where the agents' tool times come from: {@link ToolTimes#RECORDED} (the trajectories', the default),
     * {@link ToolTimes#GENERATED} (drawn from {@code WorkloadShape.longTailToolTimeMs()} per session and turn, seeded
     * by {@link #withSeed}) or {@code ToolTimes.fixed(Duration.ofSeconds(5))}; {@link #withToolTimeScale} applies
     * after.
     */
    public Simulation withToolTimes(ToolTimes toolTimes) {
        Objects.requireNonNull(toolTimes, "toolTimes");
        return with(c -> c.toolTimes = toolTimes);
    }

    /** The seed that every agent's session order, start turn and salts derive from. */
    public Simulation withSeed(long seed) {
        return with(c -> c.plan = c.plan.withSeed(seed));
    }

    /** The measurement window of each trial, in virtual time (default ten minutes). */
    public Simulation withWindow(Duration window) {
        TrialPlan changed = settings.plan.withWindow(window);
        return with(c -> c.plan = changed);
    }

    /** The warm-up's bounds in virtual time (it also waits for a turn of every agent and a warm cache). */
    public Simulation withWarmUp(Duration min, Duration max) {
        TrialPlan changed = settings.plan.withWarmUp(min, max);
        return with(c -> c.plan = changed);
    }

    /** The largest number of agents the search tries. */
    public Simulation withMaxAgents(int agents) {
        if (agents < 1) throw new IllegalArgumentException("max agents " + agents + " < 1");
        return with(c -> c.maxAgents = agents);
    }

    /** Agents per Megawatt from the GPUs' power only ({@link Boundary#GPU}) or the whole system's (the default). */
    public Simulation withPowerBoundary(Boundary boundary) {
        Boundary system = Boundary.of(settings.engine.system().boundary());
        if (boundary != Boundary.GPU && boundary != system) {
            throw new IllegalArgumentException(settings.engine.system().name() + " reports power at the gpu or the "
                    + system.label() + " boundary, not the " + boundary.label());
        }
        return with(c -> c.powerBoundary = boundary);
    }

    /** Calls {@code listener} after every trial with its metrics, e.g. to show progress. */
    public Simulation withTrialListener(Consumer<TrialMetrics> listener) {
        Objects.requireNonNull(listener, "listener");
        return with(c -> c.onTrial = listener);
    }

    /**
     * Keeps every request's inter-token gaps, in the trials' records and the run folder of {@link #search(Path)}
     * ({@code itl_s} in {@code requests.parquet}), not only their summary; off by default, since the gaps are one
     * float per output token, a third of a big trial's memory (10,000 agents at 131K contexts: 1.43 GB live with
     * them, 0.92 GB without) and most of a run folder's bytes. The trials' ITL percentiles are exact either way.
     */
    public Simulation withItlDetail(boolean keep) {
        return with(c -> c.itlDetail = keep);
    }

    /**
     * Keeps a row in {@code requests.parquet} for every request of every trial of {@link #search(Path)}; by default
     * (and unless {@link #withItlDetail(boolean) the gaps are kept}) a run folder keeps the rows of only the requests
     * in flight during the windows of the trials the search reports (each tier's trial at max agents and its smallest
     * failing one), each agent's figures of every trial in {@code agents.parquet}, and counts the warm-up and
     * cool-down requests in {@code trials.parquet} (docs/run-folder.md, "Size of a big search"). The trials' results
     * read back from the folder are the same either way.
     */
    public Simulation withAllRequests(boolean keep) {
        return with(c -> c.allRequests = keep);
    }

    /**
     * Runs up to {@code threads} trials of a search at once (default: one per processor): the trial the search needs
     * next and, speculatively, those it would need after it. Only the trials a one-at-a-time search runs are kept, so
     * the result and the run folder are the same for any number; 1 runs trials one after another.
     */
    public Simulation withThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads " + threads + " < 1");
        return with(c -> c.threads = threads);
    }

    /**
     * Stops bisecting a tier once its bracket is within {@code tolerance} of its lower end (0.02: the answer is within
     * 2% below the exact one) instead of the exact N (0, the default): fewer trials for a what-if in a notebook; the
     * answer stays a concurrency that passed.
     */
    public Simulation withTolerance(double tolerance) {
        if (!(tolerance >= 0 && tolerance < 1)) throw new IllegalArgumentException("tolerance " + tolerance);
        return with(c -> c.tolerance = tolerance);
    }

    /**
     * Whether a search's trial stops once its verdict on every tier it is run for is certain, a failure or a pass
     * (default true: an overloaded trial then skips the drain of its backlog, and one below capacity the longest
     * answers of its cool-down, docs/design.md "Cut at the verdict"). A cut trial counts its unfinished requests as
     * failed, so its agents' speed and latency figures read as what was known at the cut (a failing trial's as a
     * failure rather than as how badly it failed), while its output throughput and power, over the window, are the
     * whole trial's; false runs every trial whole, for SLO curves that show the overload's real figures.
     */
    public Simulation withCutAtVerdict(boolean cut) {
        return with(c -> c.cutAtVerdict = cut);
    }

    /**
     * Whether each agent's first request of a trial finds its context so far cached, as a fleet running mid-session
     * would hold it (default true), or starts cold, prefilling its whole context while every other agent does the
     * same (docs/design.md, "Mid-session starts"). Agents start at a random turn of their first session either way.
     */
    public Simulation withPrimedStarts(boolean primed) {
        return with(c -> c.primedStarts = primed);
    }

    /**
     * A search whose ramp starts at {@code start} agents and grows by {@code growth} (default 1 and 2): a search that
     * already knows roughly where its answer lies, as {@link DeploymentSearch} does from its screening. A start that
     * fails is bisected down from, so it changes the trials, not the answer's meaning.
     */
    Simulation withRamp(int start, double growth) {
        if (start < 1 || !(growth > 1)) throw new IllegalArgumentException("ramp from " + start + " by " + growth);
        return with(c -> {
            c.rampStart = start;
            c.rampGrowth = growth;
        });
    }

    /** The engine configuration every trial runs. */
    public EngineConfig config() {
        return settings.engine;
    }

    /** The seed, warm-up bounds and measurement window of every trial. */
    TrialPlan plan() {
        return settings.plan;
    }

    /** The measurement window of each trial. */
    public Duration window() {
        return settings.plan.window();
    }

    /** The bracket a search stops bisecting at ({@link #withTolerance}). */
    double tolerance() {
        return settings.tolerance;
    }

    /** The tiers searched. */
    public List<SloTier> tiers() {
        return settings.tiers;
    }

    /** Runs one trial of {@code agents} concurrent agents (trial number 0) and returns its metrics. */
    public TrialMetrics trial(int agents) {
        return TrialMetrics.of(driver().run(0, agents, r -> { }));
    }

    /**
     * Runs the same trial as {@link #trial(int)} recording it in a new run folder in {@code dir}: {@code run.json},
     * every request in {@code requests.parquet} and the modelled {@code power.parquet}, for a closer look at one
     * concurrency (its power trace: {@code Power.read(dir.resolve(Run.POWER))}; its requests: {@code Run.open(dir)}).
     */
    public TrialMetrics trial(int agents, Path dir) {
        VirtualTimeDriver driver = driver(true);
        try (Run run = newRun(dir)) {
            TrialMetrics metrics = TrialMetrics.of(driver.run(0, agents, run::append));
            driver.power().write(dir.resolve(Run.POWER));
            return metrics;
        }
    }

    /** Runs the concurrency search for every tier. */
    public SloResult search() {
        return searchOver(driver()).run();
    }

    /**
     * Runs the concurrency search recording a new run folder in {@code dir}: {@code run.json}, in
     * {@code requests.parquet} every request in flight during the window of a trial the search reports (every request
     * of every trial with {@link #withAllRequests} or {@link #withItlDetail}), {@code trials.parquet},
     * {@code agents.parquet}, the modelled {@code power.parquet}, {@code summary.json} and {@code report.html}. The simulator is deterministic, so a simulated run is rerun rather than resumed.
     */
    public SloResult search(Path dir) {
        VirtualTimeDriver driver = driver();
        try (Run run = newRun(dir)) {
            SloResult result = searchOver(driver).runUnreported(run);
            SearchFiles.Aside report = SearchFiles.writeReportAside(run, result);
            try {
                SearchFiles.writeData(run, result);
                if (!keepsEveryRow()) SearchFiles.keepReportedRows(run, result);
                driver.power().write(dir.resolve(Run.POWER));
                if (settings.engine.deployment() != null) {
                    SummaryFile.write(run, SearchSummary.of(result).withDeployment(settings.engine.deployment().toString()));
                }
                run.close();
            } finally {
                report.join();
            }
            return result;
        }
    }

    /**
     * Searches each deployment ({@code agentload bench --deployment auto}; e.g. {@code config().candidateDeployments()})
     * in its own run folder {@code dir/NAME/}, then writes in {@code dir} a {@code summary.json} of the best deployment
     * per tier (most agents, then most agents per MW), each tier naming its layout, and a {@code report.html} that
     * compares them all. Returns that summary.
     */
    public SearchSummary searchDeployments(Map<String, EngineConfig.Deployment> candidates, Path dir) {
        return DeploymentSearch.run(this, candidates, dir);
    }

    /**
     * A new run folder in {@code dir} whose {@code run.json} records this simulation. Its request log writes a part per
     * trial and per 10,000 records, never by wall time: parts written by the clock made the footer of
     * {@code requests.parquet}, which counts them, depend on how fast the machine ran (a whole-rack search's trials
     * take over the 10 s of the default interval).
     */
    private Run newRun(Path dir) {
        return Run.builder(dir).config(manifestConfig()).hardware(hardware()).endpoint(endpoint())
                .itlDetail(settings.itlDetail).journalled(false)
                .flushEvery(Run.Builder.DEFAULT_ROWS, Duration.ofNanos(Long.MAX_VALUE)).build();
    }

    private SloSearch searchOver(TrialRunner runner) {
        Settings s = settings;
        return SloSearch.over(runner).withTiers(s.tiers).withGpus(s.engine.system().gpus())
                .withAgents(Math.min(s.rampStart, s.maxAgents), s.maxAgents).withGrowth(s.rampGrowth).withThreads(s.threads).withTolerance(s.tolerance).withTrialListener(s.onTrial);
    }

    /** A driver of this simulation's trials; also for a search that runs some trials itself ({@link DeploymentSearch}). */
    VirtualTimeDriver driver() {
        return driver(keepsEveryRow());
    }

    /** The concurrency search over {@code runner}'s trials (a {@link #driver()}, perhaps wrapped), unrecorded. */
    SloResult search(TrialRunner runner) {
        return searchOver(runner).run();
    }

    /** Tells the trial listener of a trial run outside a search ({@link DeploymentSearch}'s probes). */
    void heard(TrialMetrics trial) {
        settings.onTrial.accept(trial);
    }

    /** Whether a search's run folder keeps a row for every request of every trial. */
    private boolean keepsEveryRow() {
        return settings.itlDetail || settings.allRequests;
    }

    /** The driver of every trial, handing the run folder every record or only those of the windows. */
    private VirtualTimeDriver driver(boolean allRequests) {
        if (settings.sessions.isEmpty()) {
            throw new IllegalStateException("no trajectories to replay: call withTrajectories(Trajectories.read(\"data/"
                    + "coding-agent-sample.parquet\")) or withSessions(...)");
        }
        VirtualTimeDriver.Builder b = VirtualTimeDriver.builder(settings.engine, settings.sessions).plan(settings.plan)
                .toolTimeScale(settings.toolTimeScale).toolTimes(settings.toolTimes).cutAtVerdict(settings.cutAtVerdict).itlDetail(settings.itlDetail)
                .primeCache(settings.primedStarts).allRequests(allRequests).tiers(settings.tiers);
        if (settings.powerBoundary != null) b.powerBoundary(settings.powerBoundary);
        return b.build();
    }

    /** What {@code run.json} records under {@code config}. */
    private RunManifest.SimulatorConfig manifestConfig() {
        Settings s = settings;
        EngineConfig engine = s.engine;
        return new RunManifest.SimulatorConfig(RunManifest.SimulatorConfig.TARGET, engine.system().name(),
                engine.model().name(), engine.tensorParallel(), engine.replicas(), engine.prefixCaching(),
                engine.maxBatchTokens(), engine.maxRunningSequences(), engine.memoryUtilisation(),
                engine.kvBlocksPerReplica(), engine.speculation().toString(), String.valueOf(engine.disaggregation()),
                engine.efficiency().toString(), s.trajectories, s.sessions.size(),
                s.tiers.stream().map(SloTier::label).collect(Collectors.joining("; ")), s.plan.seed(),
                s.plan.measurementSeconds(), s.plan.minWarmUpSeconds(), s.plan.maxWarmUpSeconds(), s.toolTimeScale,
                s.maxAgents, RunManifest.toolTimes(s.toolTimes));
    }

    /** What {@code run.json} records under {@code hardware}: the simulated system's profile. */
    private RunManifest.SimulatedSystem hardware() {
        SystemProfile s = settings.engine.system();
        return new RunManifest.SimulatedSystem(s.name(), s.gpu().name(), s.gpus(), s.gpu().hbmBytes(),
                s.gpu().tdpWatts(), s.gpu().idleWatts(), s.maxWatts(), s.boundary(), s.source(), s.gpu().source());
    }

    private RunManifest.SimulatorEndpoint endpoint() {
        return new RunManifest.SimulatorEndpoint(RunManifest.SimulatorEndpoint.KIND, settings.engine.model().name(),
                settings.engine.model().source());
    }
}
