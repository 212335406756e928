package io.agentload.replay;

import io.agentload.power.Boundary;
import io.agentload.power.Power;
import io.agentload.power.PowerSampler;
import io.agentload.power.PowerSamples;
import io.agentload.power.PowerSummary;
import io.agentload.sim.Engine;
import io.agentload.sim.EngineConfig;
import io.agentload.trajectory.Session;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * <p><b>Phases.</b> The {@link AgentPool} decides them: warm-up until every agent has finished a turn and the
 * engine's prefix cache is warm (the cached-token ratio of one turn per agent agrees with the one before within two
 * points, see {@link CacheWarmth}), then the plan's measurement window, then cool-down until the last measured
 * request ends. Each trial starts a fresh engine (a cold cache, as a real server's would be for the new trial's
 * salts) at the time the previous trial ended: trials follow one another on one virtual clock.
 *
 * <p><b>Power.</b> Every engine step's modelled draw is fed to a {@code model} power source, at the GPU boundary and
 * at the system's (node for an 8-GPU system, rack for an NVL72); {@link #power()} holds the samples for
 * {@code power.parquet}, and each trial's mean power over its window comes from them at the boundary chosen
 * ({@link Builder#powerBoundary(Boundary)}; the system's by default).
 *
 * <p>Not thread-safe: one thread runs its trials, one after another.
 */
final class VirtualTimeDriver implements TrialRunner {

    /** Modelled power is kept as one mean per second of virtual time and boundary. */
    static final Duration POWER_INTERVAL = Duration.ofSeconds(1);

    private final EngineConfig engine;
    private final List<Session> sessions;
    private final TrialPlan plan;
    private final Boundary boundary;
    private final PowerSampler power;
    private final boolean cutAtVerdict;
    private double clock;
    private Engine lastEngine;

    private VirtualTimeDriver(Builder b) {
        this.engine = b.engine;
        this.sessions = ToolTime.scale(b.sessions, b.toolTimeScale);
        this.plan = b.plan;
        this.cutAtVerdict = b.cutAtVerdict;
        Boundary system = systemBoundary(engine);
        this.boundary = b.boundary == null ? system : b.boundary;
        if (boundary != Boundary.GPU && boundary != system) {
            throw new IllegalArgumentException(engine.system().name() + " reports power at the GPU or the "
                    + system.label() + " boundary, not the " + boundary.label());
        }
        this.power = Power.source(system == Boundary.RACK ? "model@rack" : "model").sampler()
                .interval(POWER_INTERVAL).build();
    }

    /** A driver of agents replaying {@code sessions} against engines of {@code engine}. */
    public static Builder builder(EngineConfig engine, List<Session> sessions) {
        return new Builder(engine, sessions);
    }

    /**
     * Runs trial {@code trial} with {@code agents} agents from where the previous trial ended, handing every record
     * to {@code sink} as its request completes; stops once the window has closed and every {@code open} tier
     * certainly fails ({@link VerdictWatch}), the trial then {@link Trial#cutAtVerdict() cut at its verdict}.
     */
    @Override
    public Trial run(int trial, int agents, List<SloTier> open, Consumer<RequestRecord> sink) {
        double start = clock;
        CacheWarmth warmth = new CacheWarmth(agents);
        VerdictWatch verdict = new VerdictWatch(cutAtVerdict ? open : List.of(), agents);
        AgentPool pool = new AgentPool(sessions, plan, trial, agents, start, warmth, sink.andThen(verdict::completed));
        lastEngine = Engine.create(engine);
        clock = new VirtualTrial(lastEngine, pool, warmth, power.modelFeed(), verdict).run(agents, start);
        return pool.trial(this::meanPower);
    }

    /** Every modelled power sample so far, one per second and boundary: what {@code power.parquet} holds. */
    public PowerSamples power() {
        return power.samples();
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
    public double clock() {
        return clock;
    }

    /** The engine of the last trial, as it was when the trial ended (requests of the cool-down still in it). */
    Engine lastEngine() {
        return lastEngine;
    }

    private Optional<TrialMetrics.MeanPower> meanPower(double from, double to) {
        PowerSummary s = power.samples().summary(from, to, boundary);
        return TrialMetrics.MeanPower.of(s.meanWatts(), boundary.label() + ", modelled (simulator)");
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
        private Boundary boundary;
        private boolean cutAtVerdict = true;

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

        /** Trial power at {@link Boundary#GPU} or at the system's boundary (node, or rack for an NVL72; default). */
        public Builder powerBoundary(Boundary boundary) {
            this.boundary = Objects.requireNonNull(boundary, "boundary");
            return this;
        }

        /** Whether a trial stops once its verdict is certain (default); false runs every trial whole, for tests. */
        Builder cutAtVerdict(boolean cut) {
            this.cutAtVerdict = cut;
            return this;
        }

        /** The driver. */
        public VirtualTimeDriver build() {
            return new VirtualTimeDriver(this);
        }
    }
}
