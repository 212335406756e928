package io.agentload.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentload.endpoint.Endpoint;
import io.agentload.power.Power;
import io.agentload.power.PowerException;
import io.agentload.power.PowerSource;
import io.agentload.power.PowerSummary;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.WorkloadShape.ToolTimes;
import io.agentload.trajectory.Turn;
import org.jspecify.annotations.Nullable;
import tech.tablesaw.api.Table;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Agents replaying trajectories against a real OpenAI-compatible endpoint, in real time: one fixed concurrency
 * ({@link #run}, {@code agentload replay}) or the SLO search ({@link #search}, {@code agentload bench --endpoint}),
 * recorded in a run folder that a killed process never loses (docs/design.md, "From a trajectory file to a chart" and
 * "The run folder").
 *
 * <pre>{@code
 * Endpoint endpoint = Endpoint.builder().baseUrl("http://gpu-node:8000/v1").model("Qwen/Qwen3-32B").build();
 * ReplayResult r = Replay.against(endpoint).withTrajectories(turns).withAgents(64).withWindow(Duration.ofMinutes(2))
 *         .run(dir);
 * r.trial().ttft().p90(); r.requestsByStatus(); r.agentsPerMegawatt();
 * }</pre>
 *
 * <p>A replay is an immutable value: each {@code with*} method returns a changed copy. Defaults, the same as
 * {@link Simulation}'s: a ten-minute measurement window after a warm-up that lasts until every agent has finished a
 * turn (at most ten minutes); seed 1; tiers {@link SloTier#defaults()}; no power source, so Agents per Megawatt is
 * absent rather than guessed; for the search, 1 GPU and up to 65,536 agents.
 *
 * <p>Before a run or a resumed run touches its folder, the endpoint must be up and list the model at
 * {@code GET /v1/models} ({@link Endpoint#checkModel}): a dead endpoint, a refused key or a misspelt model stops with
 * an {@link io.agentload.endpoint.EndpointException} naming the request, instead of a run of failed requests. Once
 * running, endpoint faults are records and never stop it.
 *
 * <p><b>Resuming.</b> {@link #resume} and {@link #resumeSearch} continue a run folder whose process was killed: every
 * request it completed is in the log. A search reuses the trials it finished and runs the rest. A replay whose trial
 * finished only writes its summary; one whose trial was cut short runs a new trial with a new warm-up and the whole
 * window, and the cut trial's requests stay in the log, counted by status but not measured: the requests in flight
 * at the kill are lost, and they are the slow ones, so the cut window's figures would be biased fast. Trajectories
 * from a file are recorded by its path; sessions given in code ({@link #withTrajectories(Table)}, {@link #withSessions}) are
 * written into the folder as {@code sessions.parquet}, so {@link #fromRun} resumes either kind.
 */
public final class Replay {

    /** Where a run folder keeps the sessions of a run given them in code, so that {@link #fromRun} can resume it. */
    static final String SESSIONS_COPY = "sessions.parquet";
    private static final String REPLAY = RunManifest.EndpointConfig.REPLAY;
    private static final String BENCH = RunManifest.EndpointConfig.BENCH;
    /** What {@code run.json} records for a run without a power source. */
    private static final String NO_POWER = "none";

    /** The settings; never changed once a {@link Replay} holds them. */
    private static final class Values {
        List<Session> sessions = List.of();
        String trajectories = "";
        int agents;
        TrialPlan plan = TrialPlan.defaults();
        List<SloTier> tiers = SloTier.defaults();
        @Nullable PowerSource power;
        int gpus = 1;
        int maxAgents = 1 << 16;
        PrintWriter progress;
        Consumer<TrialMetrics> onTrial = m -> { };
        double toolTimeScale = 1;
        ToolTimes toolTimes = ToolTimes.RECORDED;
        boolean itlDetail;
        @Nullable Duration coolDownGrace;

        Values copy() {
            Values c = new Values();
            c.sessions = sessions;
            c.trajectories = trajectories;
            c.agents = agents;
            c.plan = plan;
            c.tiers = tiers;
            c.power = power;
            c.gpus = gpus;
            c.maxAgents = maxAgents;
            c.progress = progress;
            c.onTrial = onTrial;
            c.toolTimeScale = toolTimeScale;
            c.toolTimes = toolTimes;
            c.itlDetail = itlDetail;
            c.coolDownGrace = coolDownGrace;
            return c;
        }
    }

    private final Endpoint endpoint;
    private final Values v;

    private Replay(Endpoint endpoint, Values v) {
        this.endpoint = endpoint;
        this.v = v;
    }

    /** Agents replaying against {@code endpoint} (the caller keeps it and closes it). */
    public static Replay against(Endpoint endpoint) {
        return new Replay(Objects.requireNonNull(endpoint, "endpoint"), new Values());
    }

    /**
     * The replay or search recorded in run folder {@code dir}, against {@code endpoint}: trajectories (re-read from
     * their file, or from the folder's copy of those given in code) and settings as its {@code run.json} says, to
     * {@link #resume} or {@link #resumeSearch} it.
     */
    public static Replay fromRun(Path dir, Endpoint endpoint) {
        Path file = dir.resolve(Run.MANIFEST);
        if (!(Run.open(dir).manifest().config() instanceof RunManifest.EndpointConfig config)) {
            throw new ReplayException(file + ": the run's config is not a replay's or search's against an endpoint");
        }
        String trajectories = required(config.trajectories(), "trajectories", file);
        Replay r;
        if (givenInCode(trajectories)) {
            Path copy = dir.resolve(SESSIONS_COPY);
            if (!Files.exists(copy)) {
                throw new ReplayException(file + ": the run replayed " + trajectories + " given in code, and " + copy
                        + " is gone; resume it with Replay.against(endpoint).withSessions(...) and the same settings");
            }
            r = against(endpoint).withTrajectories(copy).with(c -> c.trajectories = trajectories);
        } else {
            Path turns = Path.of(trajectories);
            if (!Files.exists(turns)) throw new ReplayException(file + ": the run's trajectories " + turns + " are gone");
            r = against(endpoint).withTrajectories(turns);
        }
        String power = required(config.power(), "power", file);
        r = r
                .withSeed(config.seed() == null ? 0 : config.seed())
                .withWindow(seconds(config.windowS(), "window_s", file))
                .withWarmUp(seconds(config.warmUpMinS(), "warm_up_min_s", file),
                        seconds(config.warmUpMaxS(), "warm_up_max_s", file))
                .withTiers(SloTier.parse(required(config.tiers(), "tiers", file)))
                .withToolTimeScale(config.toolTimeScale() == null ? 1 : config.toolTimeScale())
                .withToolTimes(RunManifest.toolTimes(config.toolTimes(), file));
        if (!power.equals(NO_POWER)) {
            try {
                r = r.withPower(Power.source(power));
            } catch (PowerException | IllegalArgumentException e) {
                throw new ReplayException(file + ": power: " + e.getMessage(), e);
            }
        }
        if (config.agents() != null) r = r.withAgents(config.agents());
        if (config.gpus() != null) {
            r = r.withGpus(config.gpus()).withMaxAgents(required(config.maxAgents(), "max_agents", file));
        }
        return r;
    }

    private Replay with(Consumer<Values> change) {
        Values copy = v.copy();
        change.accept(copy);
        return new Replay(endpoint, copy);
    }

    /** Agents replay the sessions of this turn table (e.g. {@code Trajectories.read(file)}). */
    public Replay withTrajectories(Table turns) {
        List<Session> sessions = Trajectories.sessions(turns);
        return with(c -> {
            c.sessions = sessions;
            c.trajectories = "table " + turns.name();
        });
    }

    /** Agents replay the sessions of this turn file ({@code .parquet}, {@code .jsonl} or {@code .csv}). */
    public Replay withTrajectories(Path file) {
        List<Session> sessions = Trajectories.sessions(Trajectories.read(file));
        return with(c -> {
            c.sessions = sessions;
            c.trajectories = file.toAbsolutePath().normalize().toString();
        });
    }

    /** Agents replay these sessions. */
    public Replay withSessions(List<Session> sessions) {
        List<Session> copy = List.copyOf(sessions);
        return with(c -> {
            c.sessions = copy;
            c.trajectories = "sessions";
        });
    }

    /** The number of concurrent agents of {@link #run}. */
    public Replay withAgents(int agents) {
        if (agents < 1) throw new IllegalArgumentException("agents " + agents + " < 1");
        return with(c -> c.agents = agents);
    }

    /** The measurement window of each trial (default ten minutes, as in {@link Simulation}). */
    public Replay withWindow(Duration window) {
        return with(c -> c.plan = c.plan.withWindow(window));
    }

    /** The warm-up's bounds: at least {@code min}, then until every agent has finished a turn, at most {@code max}. */
    public Replay withWarmUp(Duration min, Duration max) {
        return with(c -> c.plan = c.plan.withWarmUp(min, max));
    }

    /** The seed that every agent's session order, start turn and salts derive from. */
    public Replay withSeed(long seed) {
        return with(c -> c.plan = c.plan.withSeed(seed));
    }

    /** The tiers that judge each trial. */
    public Replay withTiers(List<SloTier> tiers) {
        if (tiers.isEmpty()) throw new IllegalArgumentException("no tiers");
        List<SloTier> copy = List.copyOf(tiers);
        return with(c -> c.tiers = copy);
    }

    /**
     * Measures power with {@code source}, e.g. {@code Power.source("dcgm=http://gpu-node:9400/metrics")} (no
     * power source by default).
     *
     * @throws IllegalArgumentException for the simulator's power model, which only a simulation has
     */
    public Replay withPower(PowerSource source) {
        if (source.kind() == PowerSource.Kind.MODEL) {
            throw new IllegalArgumentException("power source model is the simulator's; against an endpoint use "
                    + "nvidia-smi, dcgm=URL, redfish=URL or constant=WATTS");
        }
        return with(c -> c.power = source);
    }

    /** Multiplies every turn's tool time: 2 means tools take twice as long, so each agent asks less often. */
    public Replay withToolTimeScale(double scale) {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("tool-time scale " + scale + " is not a finite number >= 0");
        }
        return with(c -> c.toolTimeScale = scale);
    }

    /**
     * Where the agents' tool times come from: {@link ToolTimes#RECORDED} (the trajectories', the default),
     * {@link ToolTimes#GENERATED} (drawn per session and turn, seeded by {@link #withSeed}) or a fixed duration;
     * {@link #withToolTimeScale} applies after.
     */
    public Replay withToolTimes(ToolTimes toolTimes) {
        Objects.requireNonNull(toolTimes, "toolTimes");
        return with(c -> c.toolTimes = toolTimes);
    }

    /**
     * Keeps every request's inter-token gaps, in the trials' records and the run folder ({@code itl_s} in
     * {@code requests.parquet}), not only their summary; off by default, since the gaps are one float per output
     * token, a good part of a trial's memory and most of a run folder's bytes. The trials' ITL percentiles are exact either way.
     * A resumed run keeps what its folder was created with.
     */
    public Replay withItlDetail(boolean keep) {
        return with(c -> c.itlDetail = keep);
    }

    /**
     * How long after a measurement window closes its trial waits for the requests sent before the end; those still in
     * flight then are stopped and recorded with what they had received, so neither a long answer nor a hung request
     * holds the run: as {@link RequestRecord#CUT_AT_GRACE} when they had their first token (judged on the tokens
     * received: TTFT exact, speed over the time from the first token to the cut), else as
     * {@link RequestRecord#CUT_AT_END} (failed). Default: the most lenient tier's TTFT limit plus 300 tokens (or the
     * longest output, if shorter) at the slowest tier's speed, at most ten minutes: 21 s for the default tiers. A
     * grace shorter than the most lenient TTFT limit may fail a request that had not waited that long. It governs
     * when a run stops waiting, not what it sends, so a resumed run may change it.
     */
    public Replay withCoolDownGrace(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) throw new IllegalArgumentException("cool-down grace " + grace + " is negative");
        return with(c -> c.coolDownGrace = grace);
    }

    /** The GPUs serving the endpoint, for agents per GPU in the search (default 1). */
    public Replay withGpus(int gpus) {
        if (gpus < 1) throw new IllegalArgumentException("gpus " + gpus + " < 1");
        return with(c -> c.gpus = gpus);
    }

    /** The largest number of agents the search tries. */
    public Replay withMaxAgents(int agents) {
        if (agents < 1) throw new IllegalArgumentException("max agents " + agents + " < 1");
        return with(c -> c.maxAgents = agents);
    }

    /** Draws a progress bar per trial on {@code out} (standard error in the CLI). */
    public Replay withProgress(PrintWriter out) {
        Objects.requireNonNull(out, "out");
        return with(c -> c.progress = out);
    }

    /** Calls {@code listener} after every trial with its metrics. */
    public Replay withTrialListener(Consumer<TrialMetrics> listener) {
        Objects.requireNonNull(listener, "listener");
        return with(c -> c.onTrial = listener);
    }

    /** The seed, warm-up bounds and measurement window of every trial. */
    TrialPlan plan() {
        return v.plan;
    }

    /** The measurement window of each trial. */
    public Duration window() {
        return v.plan.window();
    }

    /** The tiers that judge each trial. */
    public List<SloTier> tiers() {
        return v.tiers;
    }

    /** Runs {@link #agents} agents through a warm-up and one measurement window, recorded in a new run folder. */
    public ReplayResult run(Path dir) {
        ready(REPLAY);
        try (Run run = Run.builder(dir).config(settings(REPLAY)).hardware(hardware()).endpoint(endpointInfo())
                .itlDetail(v.itlDetail).build()) {
            keepSessions(run);
            return replay(run);
        }
    }

    /** Continues the replay of a killed process in {@code dir} (see the class documentation). */
    public ReplayResult resume(Path dir) {
        ready(REPLAY);
        sameAs(dir, REPLAY);
        try (Run run = Run.resume(dir)) {
            return replay(run);
        }
    }

    /** Runs the SLO search in real time, recorded in a new run folder: the simulated benchmark's outputs. */
    public SloResult search(Path dir) {
        ready(BENCH);
        try (Run run = Run.builder(dir).config(settings(BENCH)).hardware(hardware()).endpoint(endpointInfo())
                .itlDetail(v.itlDetail).build()) {
            keepSessions(run);
            return search(run);
        }
    }

    /** Continues the search of a killed process in {@code dir}, reusing every trial it finished. */
    public SloResult resumeSearch(Path dir) {
        ready(BENCH);
        sameAs(dir, BENCH);
        try (Run run = Run.resume(dir)) {
            return search(run);
        }
    }

    private ReplayResult replay(Run run) {
        List<RequestRecord> recorded = run.records();
        List<TrialMetrics> finished = TrialsTable.load(run, recorded);
        try (MeasuredPower power = MeasuredPower.start(v.power, run)) {
            TrialMetrics m;
            Optional<ReplayResult.SendLag> lag = Optional.empty();
            if (finished.isEmpty()) {
                int next = recorded.stream().mapToInt(RequestRecord::trial).max().orElse(-1) + 1;
                RealTimeDriver driver = driver(run, power);
                Trial trial = driver.run(next, v.agents, run::append);
                run.flush();
                power.write(run);
                lag = Optional.of(driver.sendLag());
                m = TrialMetrics.of(trial);
                run.writeTable(TrialsTable.FILE, TrialsTable.of(List.of(m), v.tiers));
                v.onTrial.accept(m);
            } else {
                m = finished.get(finished.size() - 1);
            }
            Optional<PowerSummary> window = power.summary(m.windowStart(), m.windowEnd());
            double perMw = window.map(s -> s.agentsPerMegawatt(m.agents())).orElse(Double.NaN);
            ReplayResult result = new ReplayResult(m, v.tiers.stream().map(m::check).toList(),
                    ReplayResult.byStatus(run.records()), lag, window, perMw);
            SummaryFile.write(run, ReplaySummary.of(result));
            return result;
        }
    }

    private SloResult search(Run run) {
        try (MeasuredPower power = MeasuredPower.start(v.power, run)) {
            RealTimeDriver driver = driver(run, power);
            TrialRunner recorded = (trial, agents, open, sink) -> {
                Trial t = driver.run(trial, agents, open, sink);
                power.write(run);
                v.onTrial.accept(TrialMetrics.of(t));
                return t;
            };
            SloResult result = SloSearch.over(recorded).withTiers(v.tiers).withGpus(v.gpus).withAgents(1, v.maxAgents)
                    .run(run);
            power.write(run);
            List<Optional<PowerSummary>> windows = result.tiers().stream()
                    .map(tier -> result.trials().stream().filter(t -> t.agents() == tier.maxAgents()).findFirst()
                            .flatMap(t -> power.summary(t.windowStart(), t.windowEnd())))
                    .toList();
            SummaryFile.write(run, SearchSummary.of(result)
                    .withRealTime(windows, ReplayResult.byStatus(run.records()), driver.sendLag()));
            return result;
        }
    }

    /** Sessions given in code, not by a file, are written into the folder: nothing else could resume the run. */
    private void keepSessions(Run run) {
        if (!givenInCode(v.trajectories)) return;
        List<Turn> turns = v.sessions.stream().flatMap(session -> session.turns().stream()).toList();
        Trajectories.write(Trajectories.table(turns), run.dir().resolve(SESSIONS_COPY));
    }

    /** Files are recorded by absolute path, sessions given in code by a word ({@code sessions}, {@code table NAME}). */
    private static boolean givenInCode(String trajectories) {
        return !Path.of(trajectories).isAbsolute();
    }

    private RealTimeDriver driver(Run run, MeasuredPower power) {
        RealTimeDriver.Builder b = RealTimeDriver.builder(endpoint, v.sessions).plan(v.plan).clock(run.startedAt())
                .power(power.meter()).toolTimeScale(v.toolTimeScale).toolTimes(v.toolTimes)
                .itlDetail(run.itlDetail())
                .coolDownGrace(v.coolDownGrace != null ? v.coolDownGrace
                        : RealTimeDriver.coolDownGrace(v.tiers, v.sessions))
                .tiers(v.tiers)
                .primeCache(endpoint.simulated()); // only agentload serve takes the simulator-only priming header
        if (v.progress != null) b.progress(v.progress);
        return b.build();
    }

    /** Checks the settings, then that the endpoint is up and serves the model, before any run folder is touched. */
    private void ready(String mode) {
        if (v.sessions.isEmpty()) {
            throw new IllegalStateException("no trajectories to replay: call trajectories(Path.of(\"data/"
                    + "coding-agent-sample.parquet\")) or sessions(...)");
        }
        if (mode.equals(REPLAY) && v.agents == 0) throw new IllegalStateException("how many agents? call agents(N)");
        endpoint.checkModel();
    }

    /** Checks that {@code dir} records this very replay or search, field by field. */
    private void sameAs(Path dir, String mode) {
        RunManifest manifest = Run.open(dir).manifest();
        Path file = dir.resolve(Run.MANIFEST);
        compare(file, "config", ManifestFile.tree(manifest.config()), ManifestFile.tree(settings(mode)));
        compare(file, "endpoint", ManifestFile.tree(manifest.endpoint()), ManifestFile.tree(endpointInfo()));
    }

    private static void compare(Path file, String section, JsonNode recorded, JsonNode mine) {
        for (Iterator<Map.Entry<String, JsonNode>> it = mine.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode was = recorded.path(e.getKey());
            boolean same = was.isNumber() && e.getValue().isNumber()
                    ? was.asDouble() == e.getValue().asDouble() : was.equals(e.getValue());
            if (!same) {
                throw new ReplayException(file + ": " + section + "." + e.getKey() + " is " + was + ", this run's is "
                        + e.getValue() + "; resume with the same settings (or start a new run folder)");
            }
        }
    }

    /** What {@code run.json} records under {@code config}. */
    private RunManifest.EndpointConfig settings(String mode) {
        boolean bench = mode.equals(BENCH);
        return new RunManifest.EndpointConfig(RunManifest.EndpointConfig.TARGET, mode, v.trajectories,
                v.sessions.size(), fingerprint(v.sessions), bench ? null : v.agents,
                v.tiers.stream().map(t -> SloTier.number(t.minOutputTokensPerSecond()) + ":"
                        + SloTier.number(t.maxTtftSeconds()) + ":" + SloTier.number(t.percentileOfAgents()))
                        .collect(Collectors.joining(",")),
                v.plan.seed(), v.plan.measurementSeconds(), v.plan.minWarmUpSeconds(), v.plan.maxWarmUpSeconds(),
                powerSpec(), v.toolTimeScale, bench ? v.gpus : null,
                bench ? v.maxAgents : null, RunManifest.toolTimes(v.toolTimes));
    }

    /** What {@code run.json} records under {@code hardware}: only what the user stated, nothing guessed. */
    private RunManifest.StatedHardware hardware() {
        return new RunManifest.StatedHardware(v.gpus, powerSpec());
    }

    /** The power source as {@code run.json} records it: its spec, or {@value #NO_POWER}. */
    private String powerSpec() {
        return v.power == null ? NO_POWER : v.power.toString();
    }

    /** What {@code run.json} records under {@code endpoint}: never the key, only the variable that holds it. */
    private RunManifest.HttpEndpoint endpointInfo() {
        return new RunManifest.HttpEndpoint(RunManifest.HttpEndpoint.KIND, endpoint.url(), endpoint.model(),
                endpoint.api().name().toLowerCase(Locale.ROOT), endpoint.apiKeyVariable());
    }

    /** A hash of every turn's fields, so a resumed run can tell that its trajectories are the ones it started with. */
    static String fingerprint(List<Session> sessions) {
        long h = 0xcbf29ce484222325L;
        for (Session s : sessions) {
            for (Turn t : s.turns()) {
                String row = t.sessionId() + '\u0000' + t.turn() + ',' + t.inputTokens() + ',' + t.reusedTokens() + ','
                        + t.sharedPrefixId() + ',' + t.sharedPrefixTokens() + ',' + t.outputTokens() + ','
                        + t.toolTimeMs() + '\n';
                for (byte b : row.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
            }
        }
        return String.format("%016x", h);
    }

    private static <T> T required(T value, String field, Path file) {
        if (value == null) throw new ReplayException(file + ": config." + field + " is missing");
        return value;
    }

    private static Duration seconds(Double seconds, String field, Path file) {
        if (seconds == null) throw new ReplayException(file + ": config." + field + " is not a number of seconds");
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }
}
