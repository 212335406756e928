package io.agentload.replay;

import io.agentload.endpoint.Endpoint;
import io.agentload.endpoint.EndpointRequest;
import io.agentload.internal.MonotonicClock;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.WorkloadShape.ToolTimes;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs trials against an OpenAI-compatible endpoint in real time (docs/design.md, "Agents, drivers and time"): N
 * closed-loop agents replay sessions as streamed token-id (or chat) requests, wait for each response and the turn's
 * recorded tool time, and leave the same {@link RequestRecord}s a simulated run leaves, timed on the run's clock.
 *
 * <pre>{@code
 * RealTimeDriver driver = RealTimeDriver.builder(endpoint, sessions).clock(run.startedAt()).build();
 * Trial trial = driver.run(0, 64, run::append);
 * driver.sendLag().p99Seconds();                      // how late the client sent, at worst 1 in 100
 * }</pre>
 *
 * <p><b>Timing.</b> TTFT is measured by the endpoint from the moment the request's own thread starts its HTTP call,
 * with no queue after it (docs/run-folder.md, "Metrics (from measured requests)"). The driver's own duty is to send
 * when an agent is due: a single timer thread wakes agents and each send runs on a virtual thread of its own, so a send
 * never waits for another. Every send's lag behind its due time is recorded ({@link #sendLag()}, over every recorded
 * request); a send later than {@link #ReplayResult.SendLag.LATE} in a measurement window is a client bug (an overloaded
 * client machine), and the run summary shows how many there were.
 *
 * <p><b>Faults.</b> A refused connection, an HTTP error, a timeout, a stream cut mid-way, a malformed event stream or
 * a missing {@code usage} is a record whose status names it; the agent moves on to its next turn after the tool time,
 * as a harness would, and the trial goes on. Only a failure of the client itself (the run folder's disk) stops a
 * trial, with a {@link ReplayException} naming it.
 *
 * <p><b>Phases.</b> The {@link AgentPool} decides them as for the simulator: warm-up until every agent has finished a
 * turn, the plan's minimum warm-up has passed and, when the endpoint reports {@code cached_tokens}, the cached-token
 * ratio has settled (the simulator's rule, so the two drivers warm up alike); then the plan's measurement window,
 * then cool-down until the last measured request ends, or until none still in flight can change a verdict (each has
 * streamed {@link #SPEED_SAMPLE_TOKENS} tokens, or its agent certainly fails every {@link Builder#tiers tier}, or the
 * trial's verdict on every tier is certain whatever they do), or until
 * the cool-down grace ({@link Builder#coolDownGrace}) runs out, so that neither a long answer nor a hung request holds
 * the run. Requests still in flight then are stopped
 * and recorded with what they had received: measured ones that had their first token as
 * {@link RequestRecord#CUT_AT_GRACE} (judged on what they received), the others as {@link RequestRecord#CUT_AT_END}
 * (counted as failed when they were measured). Trials
 * follow each other on the run's clock; each trial's agents use new salts, so no trial reuses another's cache.
 *
 * <p>Trials run one at a time; {@link #sendLag()} may be read from any thread.
 */
final class RealTimeDriver implements TrialRunner {

    /**
     * The longest cool-down grace {@link #coolDownGrace(List, List)} sizes: ten minutes, as long as the longest
     * warm-up, for tiers slow enough (or outputs long enough) to ask for more.
     */
    static final Duration MAX_COOL_DOWN_GRACE = Duration.ofMinutes(10);

    /**
     * How many tokens' time at the slowest tier's speed the default grace leaves a request that met the loosest TTFT
     * ({@link #coolDownGrace(List, List)}): 300, 15 s at 20 tok/s, over which one token's time (the unknown rest of the
     * gap the cut falls in) moves the measured speed by under 0.5%.
     */
    static final int SPEED_SAMPLE_TOKENS = 300;

    private final Endpoint endpoint;
    private final List<Session> sessions;
    private final TrialPlan plan;
    private final MonotonicClock clock;
    private final PowerMeter power;
    private final PrintWriter progress;
    private final double coolDownGrace;
    private final boolean primeCache;
    private final SendLagRecorder lag = new SendLagRecorder();
    private final boolean itlDetail;
    private final List<SloTier> tiers;

    private RealTimeDriver(Builder b) {
        this.endpoint = b.endpoint;
        this.sessions = ToolTime.select(b.sessions, b.toolTimes, b.plan.seed(), b.toolTimeScale);
        this.plan = b.plan;
        this.clock = MonotonicClock.since(b.zero);
        this.power = b.power;
        this.progress = b.progress;
        this.primeCache = b.primeCache;
        this.itlDetail = b.itlDetail;
        this.tiers = b.tiers;
        this.coolDownGrace = TrialPlan.seconds(b.coolDownGrace != null ? b.coolDownGrace
                : coolDownGrace(SloTier.defaults(), this.sessions));
    }

    /** A driver of agents replaying {@code sessions} against {@code endpoint}. */
    public static Builder builder(Endpoint endpoint, List<Session> sessions) {
        return new Builder(endpoint, sessions);
    }

    /**
     * Runs trial {@code trial} with {@code agents} agents from now, handing every record to {@code sink} as its
     * request completes, and returns when the trial is over. After the window it stops as soon as its verdict on
     * every {@code open} tier is certainly a failure ({@link Trial#cutAtVerdict()}), or when every measured request in
     * flight is settled ({@link RealTimeTrial}); with no tier open, only the latter.
     *
     * @throws ReplayException when the client itself fails (the sink cannot write), after the records so far
     *                         reached the sink
     */
    @Override
    public Trial run(int trial, int agents, List<SloTier> open, Consumer<RequestRecord> sink) {
        return new RealTimeTrial(trial, agents, endpoint, sessions, plan, coolDownGrace, primeCache, clock, lag, sink)
                .keepGaps(itlDetail).judgedBy(tiers, open).run(agents, power, progress);
    }

    /**
     * How long the cool-down waits for requests sent before the window's end unless told otherwise: the most
     * lenient tier's TTFT limit plus the time of {@link #SPEED_SAMPLE_TOKENS} tokens (or the longest output of
     * {@code sessions}, if shorter) at the slowest tier's speed; at most {@link #MAX_COOL_DOWN_GRACE}. With the
     * default tiers, 6 s + 300 / 20 tok/s = 21 s. Why: a measured request still waiting for its first token then has
     * waited longer than every tier allows, so recording it as failed is exact; one that met the loosest TTFT has
     * streamed for at least the rest, enough output for its speed so far to judge it
     * ({@link RequestRecord#CUT_AT_GRACE}).
     */
    static Duration coolDownGrace(List<SloTier> tiers, List<Session> sessions) {
        double ttft = tiers.stream().mapToDouble(SloTier::maxTtftSeconds).max().orElse(0);
        double speed = tiers.stream().mapToDouble(SloTier::minOutputTokensPerSecond).min().orElse(0);
        int longest = sessions.stream().flatMap(s -> s.turns().stream()).mapToInt(t -> t.outputTokens()).max().orElse(0);
        double seconds = ttft + (speed > 0 ? Math.min(longest, SPEED_SAMPLE_TOKENS) / speed : 0);
        return seconds >= TrialPlan.seconds(MAX_COOL_DOWN_GRACE) ? MAX_COOL_DOWN_GRACE
                : Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** How late the client sent, over every request of every trial so far. */
    ReplayResult.SendLag sendLag() {
        return lag.snapshot();
    }

    /** Seconds on the run's clock now. */
    public double now() {
        return clock.now();
    }

    /** The seed, warm-up bounds and window of every trial. */
    public TrialPlan plan() {
        return plan;
    }

    /** Configures a {@link RealTimeDriver}. */
    public static final class Builder {
        private final Endpoint endpoint;
        private final List<Session> sessions;
        private TrialPlan plan = TrialPlan.defaults();
        private Instant zero = Instant.now();
        private PowerMeter power = PowerMeter.NONE;
        private PrintWriter progress;
        private double toolTimeScale = 1;
        private ToolTimes toolTimes = ToolTimes.RECORDED;
        private Duration coolDownGrace;
        private boolean primeCache;
        private boolean itlDetail = true;
        private List<SloTier> tiers = SloTier.defaults();

        private Builder(Endpoint endpoint, List<Session> sessions) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            this.sessions = Objects.requireNonNull(sessions, "sessions");
            if (sessions.isEmpty()) throw new ReplayException("no sessions to replay");
        }

        /** The seed, warm-up bounds and measurement window of every trial (default {@link TrialPlan#defaults()}). */
        public Builder plan(TrialPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /**
         * Times records in seconds since {@code zero}, the run's start ({@link Run#startedAt()}), so that a resumed
         * run continues its clock; default: when the driver is built.
         */
        public Builder clock(Instant zero) {
            this.zero = Objects.requireNonNull(zero, "zero");
            return this;
        }

        /** Where each trial's mean power over its window comes from (default: none, so no Agents per Megawatt). */
        public Builder power(PowerMeter power) {
            this.power = Objects.requireNonNull(power, "power");
            return this;
        }

        /** Multiplies every turn's tool time, as the simulator's driver does (2.0: tools twice as slow). */
        public Builder toolTimeScale(double scale) {
            this.toolTimeScale = ToolTime.checkedScale(scale);
            return this;
        }

        /** Where turns' tool times come from (default {@link ToolTimes#RECORDED}); the scale applies after. */
        public Builder toolTimes(ToolTimes toolTimes) {
            this.toolTimes = Objects.requireNonNull(toolTimes, "toolTimes");
            return this;
        }

        /**
         * How long after the window closes the cool-down waits for requests sent before it (default:
         * {@link #coolDownGrace(List, List)} for the default tiers); those still in flight then are cut.
         */
        public Builder coolDownGrace(Duration grace) {
            if (grace.isNegative()) throw new IllegalArgumentException("cool-down grace " + grace + " is negative");
            this.coolDownGrace = grace;
            return this;
        }

        /**
         * Whether each agent's first request of a trial asks the server to hold its context cached first, as a fleet
         * mid-session would ({@link EndpointRequest#primedTokens()}): only {@code agentload serve} can (its
         * simulator-only header), so {@link Replay} turns it on only for that server. Default: off, and the warm-up
         * waits for every agent's first turn, which fills the cache with the agent's own prefill.
         */
        public Builder primeCache(boolean prime) {
            this.primeCache = prime;
            return this;
        }

        /**
         * Whether records keep every inter-token gap (default) or only their summary, so that a trial holds no
         * per-token list; the trial's ITL percentiles are exact either way.
         */
        Builder itlDetail(boolean keep) {
            this.itlDetail = keep;
            return this;
        }

        /**
         * The tiers trials are judged by (default {@link SloTier#defaults()}): the cool-down stops waiting for a
         * measured request whose agent certainly fails every one of them, and a primed warm-up ends once the endpoint
         * is certainly behind the agents' first requests by them ({@link AgentPool#judgeFirstBurstBy}).
         */
        Builder tiers(List<SloTier> tiers) {
            if (tiers.isEmpty()) throw new IllegalArgumentException("no tiers");
            this.tiers = List.copyOf(tiers);
            return this;
        }

        /** Draws a progress bar per trial on {@code out} (the CLI passes standard error); default: none. */
        public Builder progress(PrintWriter out) {
            this.progress = Objects.requireNonNull(out, "out");
            return this;
        }

        /** The driver. */
        public RealTimeDriver build() {
            return new RealTimeDriver(this);
        }
    }
}
