package io.agentload.replay;

import io.agentload.power.Boundary;
import io.agentload.power.Power;
import io.agentload.power.PowerSample;
import io.agentload.power.PowerSampler;
import io.agentload.power.PowerSamples;
import io.agentload.sim.Engine;
import io.agentload.sim.EngineConfig;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.WorkloadShape.ToolTimes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs trials against the serving simulator in virtual time (docs/design.md, "Agents, drivers and time"): the
 * closed-loop agents of a trial drive a fresh {@link Engine} as a discrete-event simulation, so hours of traffic cost
 * seconds of CPU, and every request leaves the same {@link RequestRecord} a real run leaves: TTFT at the end of the
 * step that finished the prefill, inter-token gaps from the engine's token events, cached tokens from its {@code
 * usage}.
 *
 * <pre>{@code
 * VirtualTimeDriver driver = VirtualTimeDriver.builder(EngineConfig.of("h200x8", "llama-3.1-70b"), sessions).build();
 * Trial trial = driver.run(0, 64, record -> { });
 * trial.power();                                   // mean modelled power of the window, boundary named
 * }</pre>
 *
 * <p><b>Prompts.</b> A request carries the block hashes of its prompt followed by its output
 * ({@code layout.blockHashesWithOutput(16, salt)}), so the next turn of the session finds the previous prompt and
 * output cached, as a production agent that sends the output back verbatim does.
 *
 * <p><b>Phases.</b> The {@link AgentPool} decides them: warm-up until half of the agents have finished a turn, each
 * agent's first request having found its context primed in the cache, or until the engine is certainly behind those
 * first requests by the run's {@link Builder#tiers tiers} (unprimed, {@link Builder#primeCache}: until
 * every agent has finished a turn and the engine's prefix cache is warm, the cached-token ratio of one turn per agent
 * agreeing with the one before within two points, see {@link CacheWarmth}), then the plan's measurement window, then cool-down until the last measured
 * request ends. Each trial starts a fresh engine (a cold cache, as a real server's would be for the new trial's
 * salts) on a clock of its own from 0 ({@link #computeApart}), so that trials are independent and the search may run
 * several at once; {@link #place} then moves it to where the previous trial ended, so that trials follow one another
 * on the run's clock. The same seed gives the same run folder whatever the number of threads.
 *
 * <p><b>Power.</b> Every engine step's modelled draw is fed to a {@code model} power source, at the GPU boundary and
 * at the system's (node for an 8-GPU system, rack for an NVL72), one mean per second from the trial's start;
 * {@link #power()} holds the placed trials' samples for {@code power.parquet}, and each trial's mean power over its
 * window comes from its own samples at the boundary chosen ({@link Builder#powerBoundary(Boundary)}; the system's by
 * default).
 *
 * <p>Thread-safe: {@link #computeApart} may run on several threads at once; trials are placed one at a time, in order.
 */
final class VirtualTimeDriver implements TrialRunner {

    /** Modelled power is kept as one mean per second of virtual time and boundary. */
    static final Duration POWER_INTERVAL = Duration.ofSeconds(1);

    private final EngineConfig engine;
    private final List<Session> sessions;
    private final TrialPlan plan;
    private final Boundary boundary;
    private final Boundary system;
    private final boolean cutAtVerdict;
    private final boolean primeCache;
    private final boolean itlDetail;
    private final boolean allRequests;
    private final List<SloTier> tiers;
    private final List<PowerSample> power = new ArrayList<>();
    private double clock;
    /**
     * The engine of the trial started or placed last. One trial at a time it is that trial's; under a parallel search
     * it is whichever thread set it last, so only single-trial tests and benchmarks read it.
     */
    private volatile Engine lastEngine;

    private VirtualTimeDriver(Builder b) {
        this.engine = b.engine;
        this.sessions = ToolTime.select(b.sessions, b.toolTimes, b.plan.seed(), b.toolTimeScale);
        this.plan = b.plan;
        this.system = systemBoundary(engine);
        this.cutAtVerdict = b.cutAtVerdict;
        this.primeCache = b.primeCache;
        this.itlDetail = b.itlDetail;
        this.allRequests = b.allRequests;
        this.tiers = b.tiers;
        this.boundary = b.boundary == null ? system : b.boundary;
        if (boundary != Boundary.GPU && boundary != system) {
            throw new IllegalArgumentException(engine.system().name() + " reports power at the GPU or the "
                    + system.label() + " boundary, not the " + boundary.label());
        }
    }

    /** A driver of agents replaying {@code sessions} against engines of {@code engine}. */
    public static Builder builder(EngineConfig engine, List<Session> sessions) {
        return new Builder(engine, sessions);
    }

    /**
     * Runs trial {@code trial} with {@code agents} agents from where the previous trial ended, handing every record
     * to {@code sink} once the trial is over, in completion order; stops once the window has closed and every
     * {@code open} tier certainly fails or passes ({@link VerdictWatch}), the trial then
     * {@link Trial#cutAtVerdict() cut at its verdict}.
     */
    @Override
    public Trial run(int trial, int agents, List<SloTier> open, Consumer<RequestRecord> sink) {
        return place(computeApart(trial, agents, open), sink);
    }

    @Override
    public boolean independent() {
        return true;
    }

    @Override
    public Placement compute(int trial, int agents, List<SloTier> open) {
        Computed computed = computeApart(trial, agents, open);
        return sink -> place(computed, sink);
    }

    /**
     * Runs a trial on a clock of its own, from 0, sharing nothing with other trials, so several may run at once on
     * different threads; {@link #place} then puts it on the run's clock. A trial depends only on the plan's seed,
     * its number, its agents and its {@code open} tiers, never on the trials before it. It stops once the window has
     * closed and every open tier certainly fails or passes ({@link VerdictWatch}).
     *
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted meanwhile
     */
    Computed computeApart(int trial, int agents, List<SloTier> open) {
        return computeApart(trial, agents, open, r -> { });
    }

    /** The whole trial (no tier open), as {@link #computeApart(int, int, List)}. */
    Computed computeApart(int trial, int agents) {
        return computeApart(trial, agents, List.of(), r -> { });
    }

    /**
     * {@link #computeApart(int, int, List)} handing each record to {@code live} as its request completes, on the
     * trial's own clock; an exception from {@code live} ends the trial there (a benchmark's CPU budget), and
     * {@link #lastEngine()} then holds the engine as it was.
     */
    Computed computeApart(int trial, int agents, List<SloTier> open, Consumer<RequestRecord> live) {
        CacheWarmth warmth = new CacheWarmth(agents);
        VerdictWatch verdict = new VerdictWatch(cutAtVerdict ? open : List.of(), agents).decidingPasses();
        AgentPool pool = new AgentPool(sessions, plan, trial, agents, 0, warmth, live.andThen(verdict::completed));
        if (primeCache) pool.primeFirstTurns();
        pool.judgeFirstBurstBy(tiers);
        pool.keepGaps(itlDetail);
        Engine e = Engine.create(engine);
        lastEngine = e;
        PowerSampler sampler = Power.source(system == Boundary.RACK ? "model@rack" : "model").sampler()
                .interval(POWER_INTERVAL).build();
        VirtualTrial loop = new VirtualTrial(e, pool, warmth, sampler.modelFeed(), verdict);
        double end = loop.run(agents, 0);
        PowerSamples samples = sampler.samples();
        Trial t = pool.trial((from, to) -> TrialMetrics.MeanPower.of(samples.summary(from, to, boundary).meanWatts(),
                boundary.label() + ", modelled (simulator)"), loop.windowTokens());
        return new Computed(t, end, e, samples.samples());
    }

    /**
     * Places a computed trial where the previous one ended on the run's clock: its times and power samples moved
     * there, its records handed to {@code sink} in completion order (without {@link Builder#allRequests}, only those
     * of requests in flight during the window: {@link #inWindow}). Trials must be placed in their order.
     */
    synchronized Trial place(Computed computed, Consumer<RequestRecord> sink) {
        double offset = clock;
        Trial placed = offset == 0 ? computed.trial() : computed.trial().shifted(offset);
        for (RequestRecord r : placed.records()) {
            if (allRequests || inWindow(r, placed.windowStart())) sink.accept(r);
        }
        boolean follows = !power.isEmpty();
        for (PowerSample p : computed.power()) {
            // The trial's opening gap rows mark no gap when it follows the previous trial without a pause.
            if (follows && !p.hasWatts() && p.time() == 0) continue;
            power.add(offset == 0 ? p : new PowerSample(p.time() + offset, p.device(), p.watts(), p.energyJoules(),
                    p.source(), p.boundary()));
        }
        clock = offset + computed.end();
        lastEngine = computed.engine();
        return placed;
    }

    /**
     * True for a request in flight at some moment of a measurement window opening at {@code windowStart} (on the
     * record's clock): every measured request, and
     * every warm-up request that had not ended when the window opened (among them the ones that held an agent through
     * the whole window, which {@link TrialMetrics} judges). These are the records a trial's metrics are rebuilt from;
     * the warm-up requests that ended before the window and the cool-down requests are counted in
     * {@code trials.parquet} instead of kept row by row (docs/run-folder.md, "Size of a big search").
     */
    static boolean inWindow(RequestRecord r, double windowStart) {
        return switch (r.phase()) {
            case MEASURED -> true;
            case WARM_UP -> !(r.endTime() < windowStart);
            case COOL_DOWN -> false;
        };
    }

    /**
     * A trial run on its own clock: the trial, when its loop ended, its engine as it was then and its modelled power
     * samples.
     */
    record Computed(Trial trial, double end, Engine engine, List<PowerSample> power) {}

    /** Every modelled power sample so far, one per second and boundary: what {@code power.parquet} holds. */
    public synchronized PowerSamples power() {
        return PowerSamples.of(POWER_INTERVAL, power);
    }

    /** The boundary each trial's power figure covers. */
    public Boundary powerBoundary() {
        return boundary;
    }

    /** The configuration every trial's engine runs. */
    public EngineConfig engine() {
        return engine;
    }

    /** The seed, warm-up bounds and window of every trial. */
    public TrialPlan plan() {
        return plan;
    }

    /** Where the next trial starts on the virtual clock: where the last one ended. */
    public synchronized double clock() {
        return clock;
    }

    /**
     * The engine of the trial computed or placed last, as it was when the trial ended (requests of the cool-down
     * still in it), on the trial's own clock: for tests and benchmarks that run one trial at a time.
     */
    Engine lastEngine() {
        return lastEngine;
    }

    /** Node for a system of nodes, rack for a rack-scale one (an NVL72). */
    static Boundary systemBoundary(EngineConfig engine) {
        return Boundary.of(engine.system().boundary());
    }

    /** Configures a {@link VirtualTimeDriver}. */
    public static final class Builder {
        private final EngineConfig engine;
        private final List<Session> sessions;
        private TrialPlan plan = TrialPlan.defaults();
        private double toolTimeScale = 1;
        private ToolTimes toolTimes = ToolTimes.RECORDED;
        private Boundary boundary;
        private boolean cutAtVerdict = true;
        private boolean primeCache = true;
        private boolean itlDetail = true;
        private boolean allRequests = true;
        private List<SloTier> tiers = SloTier.defaults();

        private Builder(EngineConfig engine, List<Session> sessions) {
            this.engine = Objects.requireNonNull(engine, "engine");
            this.sessions = Objects.requireNonNull(sessions, "sessions");
            if (sessions.isEmpty()) throw new ReplayException("no sessions to replay");
        }

        /** The seed, warm-up bounds and measurement window of every trial (default {@link TrialPlan#defaults()}). */
        public Builder plan(TrialPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /** Multiplies every turn's tool time (2.0: tools twice as slow, so each agent asks less often). */
        public Builder toolTimeScale(double scale) {
            this.toolTimeScale = ToolTime.checkedScale(scale);
            return this;
        }

        /** Where turns' tool times come from (default {@link ToolTimes#RECORDED}); the scale applies after. */
        public Builder toolTimes(ToolTimes toolTimes) {
            this.toolTimes = Objects.requireNonNull(toolTimes, "toolTimes");
            return this;
        }

        /** Trial power at {@link Boundary#GPU} or at the system's boundary (node, or rack for an NVL72; default). */
        public Builder powerBoundary(Boundary boundary) {
            this.boundary = Objects.requireNonNull(boundary, "boundary");
            return this;
        }

        /**
         * Whether each agent's first request of a trial finds its context cached, as in a fleet mid-session
         * ({@link Engine#submitPrimed}), so the warm-up need not wait for every agent's cold first turn (default);
         * false starts every agent cold, as before (docs/design.md, "Mid-session starts").
         */
        public Builder primeCache(boolean prime) {
            this.primeCache = prime;
            return this;
        }

        /** Whether a trial stops once its verdict is certain (default); false runs every trial whole, for tests. */
        Builder cutAtVerdict(boolean cut) {
            this.cutAtVerdict = cut;
            return this;
        }

        /**
         * Whether records keep every inter-token gap (default) or only their summary, so that a trial holds no
         * per-token list until it is placed; the trial's ITL percentiles are exact either way.
         */
        Builder itlDetail(boolean keep) {
            this.itlDetail = keep;
            return this;
        }

        /**
         * Whether {@link #place} hands the sink every record (default) or only those of requests in flight during the
         * window ({@link #inWindow}): a simulated run folder needs no more, since a simulated search is rerun rather
         * than resumed, and the warm-up and cool-down requests are most of a trial's requests.
         */
        Builder allRequests(boolean all) {
            this.allRequests = all;
            return this;
        }

        /**
         * The tiers the run is judged by (default {@link SloTier#defaults()}): a primed trial's warm-up ends once its
         * first burst certainly fails every one of them ({@link AgentPool#judgeFirstBurstBy}), as in real time.
         */
        Builder tiers(List<SloTier> tiers) {
            if (tiers.isEmpty()) throw new IllegalArgumentException("no tiers");
            this.tiers = List.copyOf(tiers);
            return this;
        }

        /** The driver. */
        public VirtualTimeDriver build() {
            return new VirtualTimeDriver(this);
        }
    }
}
