package io.agentload.replay;

import io.agentload.internal.ExactPercentiles;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The metrics of one trial, computed from the requests sent in its measurement window (docs/run-folder.md, "Metrics
 * (from measured requests)"), and the verdict of any {@link SloTier} on it.
 *
 * <pre>{@code
 * TrialMetrics m = TrialMetrics.of(trial);
 * m.ttft().p90();                                  // seconds, over every answered measured request
 * m.check(new SloTier(60, 3)).passed();            // did 90% of agents get 60 tok/s and TTFT <= 3 s?
 * }</pre>
 *
 * <p>Definitions. A measured request is <em>answered</em> when it succeeded or when a real-time trial's cool-down
 * grace cut it after its first token ({@value RequestRecord#CUT_AT_GRACE}): its TTFT is exact and its output speed
 * is measured over the time from its first token to the cut; every other measured request failed. Output tokens per
 * second count the tokens generated within the window by every request, warm-up, measured or cool-down, over the
 * window's length ({@link #outputTokensPerSecond()}); requests per second count the successful measured ones. The
 * cached-token ratio is cached over input tokens of successful measured requests that reported cached tokens. TTFT percentiles are over answered measured requests, end-to-end latency percentiles over successful ones
 * (a cut request's end is unknown); inter-token latency percentiles over every recorded gap of answered measured
 * requests, counted as the requests completed (records keep only each request's summary of its gaps unless asked, so
 * a trial rebuilt from a run folder without them takes the percentiles from {@code trials.parquet}). All percentiles
 * are exact (exact sorting or selection, linear interpolation).
 *
 * <p>Agents. An agent's output speed is token-weighted over its answered measured requests with a speed (at least
 * two output tokens, or cut at the grace): the sum of (output tokens - 1) over the sum of generation times, i.e. the
 * token-weighted harmonic mean of its request speeds. Its TTFT is the 90th percentile over its measured requests. An
 * agent passes a tier when none of its measured requests failed, its speed is at least the tier's minimum (or
 * undefined: only single-token outputs) and its TTFT at most the tier's maximum. An agent that sent nothing in the
 * window is judged (and fails) when a request of it was in flight for the whole window: the server kept it waiting;
 * otherwise it spent the window in tool time and is not judged. A tier passes when at least its percentile of judged
 * agents pass. Goodput counts, per second of window, answered measured requests that each met the tier's TTFT and
 * speed.
 */
public final class TrialMetrics {

    /** TTFT percentile that judges each agent. */
    static final double AGENT_TTFT_PERCENTILE = 0.9;

    /**
     * Three percentiles of a distribution; NaN when there were no values.
     *
     * @param p50 median
     * @param p90 90th percentile
     * @param p99 99th percentile
     */
    public record Percentiles(double p50, double p90, double p99) {
        /** No values: every percentile NaN. */
        static final Percentiles NONE = new Percentiles(Double.NaN, Double.NaN, Double.NaN);

        static Percentiles of(double[] values) {
            Arrays.sort(values);
            return new Percentiles(ExactPercentiles.ofSorted(values, 0.5),
                    ExactPercentiles.ofSorted(values, 0.9),
                    ExactPercentiles.ofSorted(values, 0.99));
        }
    }

    /**
     * One agent's figures over its measured requests.
     *
     * @param agent                 the agent's number
     * @param requests              measured requests
     * @param failedRequests        measured requests that failed (not answered)
     * @param outputTokens          output tokens of answered measured requests
     * @param outputTokensPerSecond token-weighted output speed, NaN without a multi-token output
     * @param ttft                  90th percentile TTFT of its measured requests, seconds
     * @param judged                whether tiers judge this agent (it sent in the window, or the server held it)
     */
    public record AgentMetrics(int agent, int requests, int failedRequests, long outputTokens,
                               double outputTokensPerSecond, double ttft, boolean judged) {

        /** Whether this agent meets {@code tier}. */
        public boolean meets(SloTier tier) {
            return judged && requests > 0 && failedRequests == 0
                    && !(outputTokensPerSecond < tier.minOutputTokensPerSecond())
                    && ttft <= tier.maxTtftSeconds();
        }
    }

    /**
     * A tier's verdict on a trial.
     *
     * @param tier                 the tier
     * @param agentsJudged         agents the tier judged
     * @param agentsPassing        judged agents that met it
     * @param sharePassing         passing over judged agents (0 when none was judged)
     * @param passed               whether the share reached the tier's percentile of agents
     * @param goodput              measured requests per second that each met the tier (NaN for a trial read back
     *                             without its requests' rows, by a tier the search did not judge it by)
     * @param agentOutputTokensPerSecond the per-agent speed that the tier's share of judged agents reach (agents
     *                             that failed a request count as 0)
     * @param agentTtft            the per-agent TTFT within which the tier's share of judged agents stay (agents
     *                             that failed a request count as infinite)
     */
    public record TierCheck(SloTier tier, int agentsJudged, int agentsPassing, double sharePassing, boolean passed,
                            double goodput, double agentOutputTokensPerSecond, double agentTtft) {
    }

    /**
     * A trial's mean power over its measurement window and the boundary it covers.
     *
     * @param meanWatts mean power in watts
     * @param boundary  what was measured and how, by convention {@code "<gpu|node|rack>, <measured|modelled>"},
     *                  optionally followed by the source in parentheses, e.g. {@code "gpu, measured (nvidia-smi)"}
     */
    public record MeanPower(double meanWatts, String boundary) {

        public MeanPower {
            Objects.requireNonNull(boundary, "boundary");
            if (!(meanWatts > 0) || Double.isInfinite(meanWatts)) {
                throw new IllegalArgumentException("mean power " + meanWatts + " W is not a positive number");
            }
            if (boundary.isBlank()) {
                throw new IllegalArgumentException("a power figure needs its boundary (e.g. \"gpu, measured\")");
            }
        }

        /** The figure, or none when the readings gave no mean (NaN: nothing covered the window). */
        static Optional<MeanPower> of(double meanWatts, String boundary) {
            return Double.isNaN(meanWatts) ? Optional.empty() : Optional.of(new MeanPower(meanWatts, boundary));
        }
    }

    private final int trial;
    private final int agents;
    private final double startTime;
    private final double windowStart;
    private final double windowEnd;
    private final double endTime;
    private final boolean warmUpCut;
    private final boolean cutAtVerdict;
    private final WindowOpened windowOpened;
    private final CoolDownEnded coolDownEnded;
    private final int measuredRequests;
    private final int failedRequests;
    private final int warmUpRequests;
    private final int coolDownRequests;
    private final double outputTokensPerSecond;
    private final double requestsPerSecond;
    private final double cachedTokenRatio;
    private final Percentiles ttft;
    private final Percentiles e2eLatency;
    private final Percentiles interTokenLatency;
    private final List<AgentMetrics> agentMetrics;
    private final Optional<MeanPower> power;
    // Per answered measured request, for goodput; null for a trial rebuilt from its summaries, which instead has
    // the goodput of each tier it was judged by when recorded.
    private final double @Nullable [] requestTtft;
    private final double @Nullable [] requestSpeed;
    private final Map<SloTier, Double> recordedGoodput;

    private TrialMetrics(Trial t, Percentiles recordedItl, PhaseCounts recordedPhases) {
        trial = t.trial();
        agents = t.agents();
        startTime = t.startTime();
        windowStart = t.windowStart();
        windowEnd = t.windowEnd();
        endTime = t.endTime();
        warmUpCut = t.warmUpCut();
        cutAtVerdict = t.cutAtVerdict();
        windowOpened = t.windowOpened();
        coolDownEnded = t.coolDownEnded();
        power = t.power();

        List<RequestRecord> measured = t.measured();
        List<RequestRecord> answered = measured.stream().filter(RequestRecord::answered).toList();
        List<RequestRecord> ok = answered.stream().filter(RequestRecord::ok).toList();
        measuredRequests = measured.size();
        failedRequests = measured.size() - answered.size();
        PhaseCounts phases = recordedPhases != null ? recordedPhases : PhaseCounts.of(t.records());
        warmUpRequests = phases.warmUp();
        coolDownRequests = phases.coolDown();
        double window = t.windowSeconds();
        outputTokensPerSecond = t.outputTokensInWindow() / window;
        requestsPerSecond = ok.size() / window;
        long cached = 0, input = 0;
        for (RequestRecord r : ok) {
            if (r.cachedTokens() < 0) continue;
            cached += r.cachedTokens();
            input += r.inputTokens();
        }
        cachedTokenRatio = input == 0 ? Double.NaN : (double) cached / input;
        requestTtft = answered.stream().mapToDouble(RequestRecord::ttft).toArray();
        requestSpeed = answered.stream().mapToDouble(RequestRecord::outputTokensPerSecond).toArray();
        ttft = Percentiles.of(requestTtft.clone());
        e2eLatency = Percentiles.of(ok.stream().mapToDouble(RequestRecord::e2eLatency).toArray());
        interTokenLatency = t.interTokenLatency() != null ? t.interTokenLatency()
                : answered.stream().allMatch(RequestRecord::interTokenLatenciesKept) ? gapPercentiles(answered)
                : recordedItl;
        agentMetrics = perAgent(t, measured);
        recordedGoodput = Map.of();
    }

    private TrialMetrics(Trial t, Summary s) {
        trial = t.trial();
        agents = t.agents();
        startTime = t.startTime();
        windowStart = t.windowStart();
        windowEnd = t.windowEnd();
        endTime = t.endTime();
        warmUpCut = t.warmUpCut();
        cutAtVerdict = t.cutAtVerdict();
        windowOpened = t.windowOpened();
        coolDownEnded = t.coolDownEnded();
        power = t.power();
        measuredRequests = s.measuredRequests();
        failedRequests = s.failedRequests();
        warmUpRequests = s.phases().warmUp();
        coolDownRequests = s.phases().coolDown();
        outputTokensPerSecond = s.outputTokensPerSecond();
        requestsPerSecond = s.requestsPerSecond();
        cachedTokenRatio = s.cachedTokenRatio();
        ttft = s.ttft();
        e2eLatency = s.e2eLatency();
        interTokenLatency = s.interTokenLatency();
        if (s.agents().size() != agents) {
            throw new IllegalArgumentException("trial " + trial + " has " + agents + " agents but figures for "
                    + s.agents().size());
        }
        agentMetrics = List.copyOf(s.agents());
        requestTtft = null;
        requestSpeed = null;
        recordedGoodput = Map.copyOf(s.goodput());
    }

    /** By selection over one single-precision array: the figures of a sort, in linear time over millions of gaps. */
    private static Percentiles gapPercentiles(List<RequestRecord> ok) {
        int gaps = ok.stream().mapToInt(RequestRecord::interTokenLatencyCount).sum();
        float[] itl = new float[gaps];
        int i = 0;
        for (RequestRecord r : ok) i = r.copyInterTokenLatencies(itl, i);
        if (gaps == 0) return Percentiles.NONE;
        double[] p = ExactPercentiles.select(itl, 0.5, 0.9, 0.99);
        return new Percentiles(p[0], p[1], p[2]);
    }

    private static List<AgentMetrics> perAgent(Trial t, List<RequestRecord> measured) {
        int n = t.agents();
        List<List<RequestRecord>> byAgent = new ArrayList<>(n);
        for (int a = 0; a < n; a++) byAgent.add(new ArrayList<>());
        for (RequestRecord r : measured) {
            if (r.agent() < 0 || r.agent() >= n) {
                throw new IllegalArgumentException("trial " + t.trial() + " has " + n + " agents but a record of agent "
                        + r.agent() + ": " + r);
            }
            byAgent.get(r.agent()).add(r);
        }
        boolean[] heldThroughWindow = new boolean[n];
        for (RequestRecord r : t.records()) {
            double end = Double.isNaN(r.endTime()) ? Double.POSITIVE_INFINITY : r.endTime();
            if (r.phase() == RequestRecord.Phase.WARM_UP && end >= t.windowEnd()) heldThroughWindow[r.agent()] = true;
        }
        List<AgentMetrics> out = new ArrayList<>(n);
        for (int a = 0; a < n; a++) {
            List<RequestRecord> rs = byAgent.get(a);
            int failed = 0;
            long tokens = 0, speedTokens = 0;
            double generation = 0;
            double[] ttfts = new double[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                RequestRecord r = rs.get(i);
                ttfts[i] = r.answered() ? r.ttft() : Double.POSITIVE_INFINITY;
                if (!r.answered()) {
                    failed++;
                    continue;
                }
                tokens += r.outputTokens();
                if (!Double.isNaN(r.outputTokensPerSecond())) {
                    speedTokens += r.outputTokens() - 1;
                    generation += r.generationTime();
                }
            }
            double speed = speedTokens == 0 ? Double.NaN : speedTokens / generation;
            double agentTtft = ExactPercentiles.of(ttfts, AGENT_TTFT_PERCENTILE);
            out.add(new AgentMetrics(a, rs.size(), failed, tokens, speed, agentTtft,
                    !rs.isEmpty() || heldThroughWindow[a]));
        }
        return List.copyOf(out);
    }

    /**
     * The metrics of {@code trial}. Its inter-token latency percentiles are the ones the trial counted as it ran, or
     * else need every gap of its answered measured requests: they are NaN when a record kept only its gaps'
     * summary (read them from a run folder with {@code Run.sloResult()}, which takes them from
     * {@code trials.parquet}).
     */
    static TrialMetrics of(Trial trial) {
        return new TrialMetrics(trial, Percentiles.NONE, null);
    }

    /** The metrics of a trial read back from a run folder: ITL percentiles as recorded when the gaps are gone. */
    static TrialMetrics of(Trial trial, Percentiles recordedItl) {
        return new TrialMetrics(trial, recordedItl, null);
    }

    /**
     * As {@link #of(Trial, Percentiles)}, with the
     * warm-up and cool-down requests as counted when the folder kept only some of their rows (null: count the
     * records).
     */
    static TrialMetrics of(Trial trial, Percentiles recordedItl, PhaseCounts recordedPhases) {
        return new TrialMetrics(trial, recordedItl, recordedPhases);
    }

    /**
     * A trial rebuilt from what a run folder keeps of it when it dropped its requests' rows
     * (docs/run-folder.md, "Size of a big search"): {@code trial}'s timeline and power (its records are not used) and
     * the recorded figures. Every figure and verdict is the recorded trial's, except the goodput of a tier it was not
     * judged by, which needs its requests: NaN.
     */
    static TrialMetrics of(Trial trial, Summary summary) {
        return new TrialMetrics(trial, summary);
    }

    /**
     * A trial's figures as {@code trials.parquet} and {@code agents.parquet} record them.
     *
     * @param goodput the goodput of each tier the trial was judged by
     */
    record Summary(int measuredRequests, int failedRequests, PhaseCounts phases, double outputTokensPerSecond,
                   double requestsPerSecond, double cachedTokenRatio, Percentiles ttft, Percentiles e2eLatency,
                   Percentiles interTokenLatency, List<AgentMetrics> agents, Map<SloTier, Double> goodput) {
    }

    /**
     * Why a trial's measurement window opened (column {@code window_opened} of {@code trials.parquet}; docs/run-folder.md,
     * "Why a window opened and a cool-down ended").
     */
    public enum WindowOpened {
        /** Every agent had finished a turn and the target's cache was warm (an unprimed trial). */
        EVERY_FIRST_TURN,
        /** Half of the agents had finished a turn (a primed trial: their cache starts warm). */
        HALF_FIRST_TURNS,
        /** The target was certainly behind the agents' first requests by every tier (a primed trial). */
        FIRST_BURST_BEHIND,
        /** The maximum warm-up passed first ({@link #warmUpCut()}). */
        MAX_WARM_UP,
        /** Not recorded: a file written before the reason was. */
        UNRECORDED;

        /** The column's value: the name in lower case. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static WindowOpened of(String label) {
            return byLabel(WindowOpened.class, "window_opened", label);
        }
    }

    /**
     * Why a trial's cool-down ended (column {@code cool_down_ended} of {@code trials.parquet}; docs/run-folder.md,
     * "Why a window opened and a cool-down ended").
     */
    public enum CoolDownEnded {
        /** Every request sent before the window closed had ended. */
        ALL_ENDED,
        /**
         * Real time: every measured request still in flight had its agent certainly failing every tier or had streamed
         * its speed sample (docs/design.md, "Bounded cool-down").
         */
        SETTLED,
        /**
         * Real time: the trial's verdict on every tier it is judged by was certain, pass or fail, whatever the
         * requests in flight went on to do; they are judged on what they had received.
         */
        VERDICT_CERTAIN,
        /** The verdict on every tier a search still had open was certain: the trial was {@link #cutAtVerdict()}. */
        OPEN_TIERS_CERTAIN,
        /** Real time: the cool-down grace ran out. */
        GRACE,
        /** Not recorded: a file written before the reason was. */
        UNRECORDED;

        /** The column's value: the name in lower case. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static CoolDownEnded of(String label) {
            return byLabel(CoolDownEnded.class, "cool_down_ended", label);
        }
    }

    /**
     * The constant of {@code type} whose label (its name in lower case) is {@code label}; else an error naming the
     * column, the value and the known labels.
     */
    private static <E extends Enum<E>> E byLabel(Class<E> type, String column, String label) {
        E[] constants = type.getEnumConstants();
        List<String> known = Arrays.stream(constants).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
        int i = known.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("unknown " + column + " value '" + label + "' (known: " + known + ")");
        }
        return constants[i];
    }

    /** How many requests of a trial were sent in its warm-up and in its cool-down. */
    record PhaseCounts(int warmUp, int coolDown) {

        static PhaseCounts of(List<RequestRecord> records) {
            int warmUp = 0, coolDown = 0;
            for (RequestRecord r : records) {
                if (r.phase() == RequestRecord.Phase.WARM_UP) warmUp++;
                else if (r.phase() == RequestRecord.Phase.COOL_DOWN) coolDown++;
            }
            return new PhaseCounts(warmUp, coolDown);
        }
    }

    /** Judges this trial by {@code tier}. */
    public TierCheck check(SloTier tier) {
        int judged = 0, passing = 0;
        List<Double> speeds = new ArrayList<>(), ttfts = new ArrayList<>();
        for (AgentMetrics a : agentMetrics) {
            if (!a.judged()) continue;
            judged++;
            if (a.meets(tier)) passing++;
            boolean served = a.requests() > 0 && a.failedRequests() == 0;
            speeds.add(!served ? 0 : Double.isNaN(a.outputTokensPerSecond()) ? Double.POSITIVE_INFINITY
                    : a.outputTokensPerSecond());
            ttfts.add(served ? a.ttft() : Double.POSITIVE_INFINITY);
        }
        double share = judged == 0 ? 0 : (double) passing / judged;
        double p = tier.percentileOfAgents();
        return new TierCheck(tier, judged, passing, share, judged > 0 && share >= p, goodput(tier),
                ExactPercentiles.of(speeds.stream().mapToDouble(d -> d).toArray(), 1 - p),
                ExactPercentiles.of(ttfts.stream().mapToDouble(d -> d).toArray(), p));
    }

    /** Answered measured requests per second of window that each met {@code tier}. */
    private double goodput(SloTier tier) {
        if (requestTtft == null || requestSpeed == null) return recordedGoodput.getOrDefault(tier, Double.NaN);
        int good = 0;
        for (int i = 0; i < requestTtft.length; i++) {
            if (requestTtft[i] <= tier.maxTtftSeconds() && !(requestSpeed[i] < tier.minOutputTokensPerSecond())) good++;
        }
        return good / windowSeconds();
    }

    /** The trial's number. */
    public int trial() {
        return trial;
    }

    /** Concurrent agents. */
    public int agents() {
        return agents;
    }

    /** When the trial started, on the run's clock (seconds). */
    public double startTime() {
        return startTime;
    }

    /** When the measurement window opened. */
    public double windowStart() {
        return windowStart;
    }

    /** When the measurement window closed. */
    public double windowEnd() {
        return windowEnd;
    }

    /** When the trial ended. */
    public double endTime() {
        return endTime;
    }

    /** The window's length in seconds. */
    public double windowSeconds() {
        return windowEnd - windowStart;
    }

    /** True when warm-up hit its maximum before every agent finished a turn and the target was warm. */
    public boolean warmUpCut() {
        return warmUpCut;
    }

    /**
     * True when the trial stopped once its verdict on every tier it was run for was certain: requests then
     * in flight count as failed ({@value RequestRecord#CUT_AT_VERDICT}), and the request latency percentiles, over
     * the requests that completed before the cut, understate the whole trial's.
     */
    public boolean cutAtVerdict() {
        return cutAtVerdict;
    }

    /** Why the measurement window opened. */
    public WindowOpened windowOpened() {
        return windowOpened;
    }

    /** Why the cool-down ended. */
    public CoolDownEnded coolDownEnded() {
        return coolDownEnded;
    }

    /** Requests sent in the window. */
    public int measuredRequests() {
        return measuredRequests;
    }

    /** Requests sent in the window that failed (not answered). */
    public int failedRequests() {
        return failedRequests;
    }

    /**
     * Requests sent before the window; a simulated run folder keeps the rows of only those still in flight when the
     * window opened (docs/run-folder.md, "Size of a big search").
     */
    public int warmUpRequests() {
        return warmUpRequests;
    }

    /** Requests sent after the window; a simulated run folder keeps none of their rows by default. */
    public int coolDownRequests() {
        return coolDownRequests;
    }

    /**
     * The system's output throughput: output tokens generated within the window, by any request, over the window's
     * length. A token counts when it was generated (the engine step that produced it ended, or in real time the chunk
     * carrying it arrived) after the window opened and no later than it closed, whichever phase its request belongs
     * to: the window is a stretch of steady load, and the tokens it produced are what the server's energy over the
     * same stretch bought (tokens per joule: this over {@link #meanWatts()}). It is the windowed form of what serving
     * benchmarks call output throughput (vLLM's {@code bench serve} and InferenceMAX: every request's output tokens
     * over the benchmark's duration; Artificial Analysis' load test: a fixed-concurrency phase), and unlike a sum over
     * measured requests it does not depend on whether a request was still streaming when the trial ended: a trial cut
     * after its window (at its verdict, or at a real-time cool-down's end) and the whole trial give the same figure.
     */
    public double outputTokensPerSecond() {
        return outputTokensPerSecond;
    }

    /** Successful measured requests per second of window. */
    public double requestsPerSecond() {
        return requestsPerSecond;
    }

    /** Cached over input tokens of successful measured requests that reported cached tokens; NaN if none did. */
    public double cachedTokenRatio() {
        return cachedTokenRatio;
    }

    /** TTFT percentiles of answered measured requests, seconds. */
    public Percentiles ttft() {
        return ttft;
    }

    /** End-to-end latency percentiles of successful measured requests, seconds. */
    public Percentiles e2eLatency() {
        return e2eLatency;
    }

    /**
     * Inter-token latency percentiles over every recorded gap of answered measured requests, seconds; NaN when
     * they were neither computable from the records nor recorded (see {@link #of(Trial)}).
     */
    public Percentiles interTokenLatency() {
        return interTokenLatency;
    }

    /** Every agent's figures, by agent number. */
    public List<AgentMetrics> agentMetrics() {
        return agentMetrics;
    }

    /** Mean power over the window and its boundary, when the run had a power source. */
    public Optional<MeanPower> power() {
        return power;
    }

    /** Mean power over the window in watts; NaN when the run had no power source. */
    public double meanWatts() {
        return power.map(MeanPower::meanWatts).orElse(Double.NaN);
    }

    @Override
    public String toString() {
        return "TrialMetrics[trial " + trial + ", " + agents + " agents, " + measuredRequests + " measured requests ("
                + failedRequests + " failed), " + Math.round(outputTokensPerSecond) + " tok/s, TTFT p90 "
                + ttft.p90() + " s]";
    }
}
