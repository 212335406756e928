package io.agentload.replay;

import java.util.Arrays;
import java.util.List;

/**
 * Tells a virtual-time trial when its verdict is certain: once its window has closed, whether every tier still open
 * (see {@link TrialRunner}) fails, or passes, whatever the requests in flight go on to do, so the trial can stop
 * instead of draining its backlog or waiting for the longest answers of its cool-down (docs/design.md, "Cut at the
 * verdict").
 *
 * <p>It applies {@link TrialMetrics}' rules to bounds that no request in flight can beat. After the window the
 * measured requests are fixed, each agent has at most one of them in flight, and the judged agents are known (those
 * with a measured request, and those a warm-up request held past the window's end). A request in flight has a TTFT
 * of at least {@code now - send} until its first token, exactly {@code first - send} after it; it adds at most its
 * {@code max_tokens} to its agent's speed over at least {@code now - first} seconds of generation (none before its
 * first token), as if its remaining tokens all arrived now, or nothing if it could still end with fewer than two
 * tokens (the simulator produces exactly {@code max_tokens}; a bound that does not rely on it costs nothing). So an
 * agent's 90th-percentile TTFT is at least the percentile of these lower bounds and its speed at most the bound's;
 * an agent with a failed measured request, or judged without a measured request, fails every tier. A tier certainly fails when its passing share cannot reach its
 * percentile even if every agent not certainly failing passes. The bounds only tighten as time goes on, so an agent
 * found failing stays failing and is not looked at again.
 *
 * <p>An agent with no judged request in flight after the window (none measured, none of the warm-up) is settled: its
 * figures are final, and it passes a tier or not as {@link TrialMetrics} will find (with the same margins taken
 * against it). A tier certainly passes when its settled passing agents alone reach its percentile: a cut then records
 * the requests in flight as failures (or judges them on what they received, which a real-time cool-down does), and
 * the share stays at least that high, so the whole trial, whatever those agents do, passes too
 * ({@link #decidingPasses}). So a trial below capacity
 * stops once enough of its agents have finished their measured requests, instead of waiting for the few longest
 * answers of the cool-down.
 *
 * <p>The bounds hold only if every token due by {@code now} has been reported: a first token the engine produced but
 * has not yet told would leave {@code now - send} above the request's TTFT. The driver looks after stepping the
 * engine to {@code now}.
 *
 * <p>The speed bound adds the same terms in the same order as {@link TrialMetrics} (its records arrive in completion
 * order, and the request in flight is an agent's last measured one), so it is a bound in floating point too; the
 * TTFT percentile's interpolation may round differently, which a nanosecond's margin covers.
 *
 * <p>Inside the window nothing is decided: agents still send measured requests that can pull their figures back,
 * and a trial cut there would report throughput and power over a window it did not run.
 */
final class VerdictWatch {

    /** Virtual seconds between two looks: often enough to cut soon after certainty, cheap beside the steps. */
    static final double CHECK_SECONDS = 1;
    /** Covers the rounding of a percentile's interpolation, far below any TTFT limit. */
    private static final double TTFT_MARGIN_SECONDS = 1e-9;
    /** A relative margin on a settled agent's speed (its sum is TrialMetrics' own, in the same order). */
    private static final double SPEED_MARGIN = 1e-12;

    private final List<SloTier> tiers;
    private final int agents;
    private final int[] measured;
    private final boolean[] failed;
    private final long[] speedTokens;
    private final double[] generation;
    private final double[][] ttfts;
    private final int[] ttftCount;
    private final double[] warmUpEnd;
    private final TurnRequest[] inFlight;
    private final double[] firstToken;
    /** When each agent's request in flight was sent (its TTFT's start), NaN while not yet sent. */
    private final double[] sentTime;
    private final int[] received;
    private final long[] seen;
    /** The look at which an agent had more than one request in flight (its subagents'), whose bound is not kept. */
    private final long[] crowded;
    private boolean[] judged;
    private int judgedCount;
    private final boolean[][] failing;
    private final int[] failingCount;
    private final boolean[] failsAll;
    /** The look at which an agent had a judged (measured or warm-up) request in flight. */
    private final long[] holding;
    /** Agents whose figures are final: judged, no judged request in flight after the window. */
    private final boolean[] settled;
    private final int[] passingCount;
    /** Whether a certain pass ends the trial too ({@link #decidingPasses}), not only a certain failure. */
    private boolean decidesPasses;
    private long checks;
    private double nextCheck = Double.NEGATIVE_INFINITY;

    /** A watch deciding {@code open} tiers over {@code agents} agents; with none it never decides. */
    VerdictWatch(List<SloTier> open, int agents) {
        this.tiers = List.copyOf(open);
        this.agents = agents;
        int n = tiers.isEmpty() ? 0 : agents;
        measured = new int[n];
        failed = new boolean[n];
        speedTokens = new long[n];
        generation = new double[n];
        ttfts = new double[n][];
        ttftCount = new int[n];
        warmUpEnd = new double[n];
        Arrays.fill(warmUpEnd, Double.NEGATIVE_INFINITY);
        inFlight = new TurnRequest[n];
        firstToken = new double[n];
        sentTime = new double[n];
        received = new int[n];
        seen = new long[n];
        crowded = new long[n];
        failing = new boolean[tiers.size()][n];
        failingCount = new int[tiers.size()];
        failsAll = new boolean[n];
        holding = new long[n];
        settled = new boolean[n];
        passingCount = new int[tiers.size()];
    }

    /**
     * Lets {@link #certain} also answer true when a tier certainly passes: for a trial whose completions and requests
     * in flight this watch sees at the same instant, so an agent with nothing in flight has every record counted (a
     * virtual-time trial; a real-time one that counts completions and takes requests out of flight under one lock, and
     * reports a request that ended before its record came as {@link #ended}). Returns this watch.
     */
    VerdictWatch decidingPasses() {
        decidesPasses = true;
        return this;
    }

    /** A request ended; its record, in the order the trial keeps them. */
    void completed(RequestRecord r) {
        if (tiers.isEmpty()) return;
        int a = r.agent();
        if (r.phase() == RequestRecord.Phase.WARM_UP) {
            warmUpEnd[a] = Math.max(warmUpEnd[a], Double.isNaN(r.endTime()) ? Double.POSITIVE_INFINITY : r.endTime());
        } else if (r.measured()) {
            measured[a]++;
            if (!r.answered()) {
                failed[a] = true;
                return;
            }
            if (!Double.isNaN(r.outputTokensPerSecond())) {
                speedTokens[a] += r.outputTokens() - 1;
                generation[a] += r.generationTime();
            }
            addTtft(a, r.ttft());
        }
    }

    /** Whether to look at {@code now}: the window has closed and a look is due. */
    boolean due(double now, double windowEnd) {
        if (tiers.isEmpty() || !(now >= windowEnd) || now < nextCheck) return false;
        nextCheck = now + CHECK_SECONDS;
        checks++;
        return true;
    }

    /** A request in flight at this look, with its first token's time (NaN before it) and its tokens so far. */
    void inFlight(TurnRequest request, double first, int tokens) {
        inFlight(request, request.sendTime(), first, tokens);
    }

    /**
     * As {@link #inFlight(TurnRequest, double, int)}, with the time {@code sent} its TTFT counts from, NaN while it is
     * not yet sent: in real time the request's own HTTP call, which a starved client makes seconds after the agent
     * was due ({@link TurnRequest#sendTime()}), so the due time would overstate the wait's bound.
     */
    void inFlight(TurnRequest request, double sent, double first, int tokens) {
        int a = request.agent();
        sentTime[a] = sent;
        if (seen[a] == checks) crowded[a] = checks;
        inFlight[a] = request;
        firstToken[a] = first;
        received[a] = tokens;
        seen[a] = checks;
        if (request.phase() != RequestRecord.Phase.COOL_DOWN) holding[a] = checks;
    }

    /**
     * The request in flight just reported has in fact ended, its record not yet counted (a real-time completion
     * waiting for the trial's lock): the bound on its speed, taken at the look rather than at its last token, could
     * fall below the speed it had, so its agent is left undecided at this look, as an agent with several requests in
     * flight is.
     */
    void ended(TurnRequest request) {
        crowded[request.agent()] = checks;
    }

    /**
     * Whether, at {@code now} with the requests in flight just reported, every open tier certainly fails or (when
     * {@link #decidingPasses}) certainly passes. Call after {@link #due} said to look.
     */
    boolean certain(double now, double windowEnd) {
        if (judged == null) judge(windowEnd);
        for (int a = 0; a < agents; a++) {
            if (!judged[a] || failsAll[a] || settled[a]) continue;
            // The bound below holds for one pending request; an agent with subagents in flight may have several.
            if (crowded[a] == checks && !failed[a]) continue;
            boolean pending = seen[a] == checks && inFlight[a].phase() == RequestRecord.Phase.MEASURED;
            boolean all = measured[a] == 0 && !pending || failed[a];
            double speed = Double.NaN, ttft = Double.NaN;
            if (!all) {
                long tokens = speedTokens[a];
                double time = generation[a];
                speed = tokens == 0 ? Double.NaN : tokens / time;
                double ttftBound = Double.NaN;
                if (pending) {
                    TurnRequest r = inFlight[a];
                    if (r.maxTokens() >= 2) {
                        double with = (tokens + r.maxTokens() - 1)
                                / (Double.isNaN(firstToken[a]) ? time : time + (now - firstToken[a]));
                        speed = received[a] >= 2 ? with : Double.isNaN(speed) ? Double.NaN : Math.max(speed, with);
                    }
                    double sent = sentTime[a];
                    ttftBound = Double.isNaN(sent) ? 0 : (Double.isNaN(firstToken[a]) ? now : firstToken[a]) - sent;
                }
                ttft = percentile(a, ttftBound, TrialMetrics.AGENT_TTFT_PERCENTILE);
            }
            boolean every = true;
            for (int t = 0; t < tiers.size(); t++) {
                if (failing[t][a]) continue;
                SloTier tier = tiers.get(t);
                if (all || speed < tier.minOutputTokensPerSecond()
                        || ttft > tier.maxTtftSeconds() + TTFT_MARGIN_SECONDS) {
                    failing[t][a] = true;
                    failingCount[t]++;
                } else {
                    every = false;
                }
            }
            failsAll[a] = every;
            if (holding[a] != checks) settle(a, all, speed, ttft);
        }
        for (int t = 0; t < tiers.size(); t++) {
            double p = tiers.get(t).percentileOfAgents();
            int mayPass = judgedCount - failingCount[t];
            boolean fails = !(judgedCount > 0 && (double) mayPass / judgedCount >= p);
            boolean passes = decidesPasses && judgedCount > 0 && (double) passingCount[t] / judgedCount >= p;
            if (!fails && !passes) return false;
        }
        return true;
    }

    /**
     * Agent {@code a}'s figures are final ({@code all}: it fails every tier): counts the tiers it passes, each with a
     * margin against it beyond the rounding in which this watch and {@link TrialMetrics} may differ.
     */
    private void settle(int a, boolean all, double speed, double ttft) {
        settled[a] = true;
        if (all) return;
        for (int t = 0; t < tiers.size(); t++) {
            SloTier tier = tiers.get(t);
            if (failing[t][a]) continue;
            double min = tier.minOutputTokensPerSecond();
            boolean fast = Double.isNaN(speed) || speed >= min + min * SPEED_MARGIN;
            if (fast && ttft <= tier.maxTtftSeconds() - TTFT_MARGIN_SECONDS) passingCount[t]++;
        }
    }

    /**
     * Whether agent {@code agent} certainly fails every tier, as the last {@link #certain} found: then nothing its
     * requests in flight go on to do can change its verdict (a real-time cool-down stops waiting for them).
     */
    boolean failsEveryTier(int agent) {
        return agent < failsAll.length && failsAll[agent];
    }

    /** Fixes the judged agents once the window has closed: those with a measured request or held past its end. */
    private void judge(double windowEnd) {
        judged = new boolean[agents];
        for (int a = 0; a < agents; a++) {
            boolean flying = seen[a] == checks;
            judged[a] = measured[a] > 0 || warmUpEnd[a] >= windowEnd || flying && inFlight[a].phase()
                    != RequestRecord.Phase.COOL_DOWN;
            if (judged[a]) judgedCount++;
        }
    }

    private void addTtft(int a, double ttft) {
        double[] v = ttfts[a];
        if (v == null) v = ttfts[a] = new double[4];
        else if (ttftCount[a] == v.length) v = ttfts[a] = Arrays.copyOf(v, 2 * v.length);
        int i = ttftCount[a]++;
        while (i > 0 && v[i - 1] > ttft) {
            v[i] = v[i - 1];
            i--;
        }
        v[i] = ttft;
    }

    /**
     * The {@code p}-th percentile, interpolated as {@link io.agentload.internal.ExactPercentiles} does, of agent
     * {@code a}'s sorted TTFTs plus {@code extra} unless it is NaN.
     */
    private double percentile(int a, double extra, double p) {
        int n = ttftCount[a] + (Double.isNaN(extra) ? 0 : 1);
        if (n == 0) return Double.NaN;
        double rank = p * (n - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(n - 1, lo + 1);
        double fraction = rank - lo;
        double low = merged(a, extra, lo), high = merged(a, extra, hi);
        if (fraction == 0 || low == high) return low;
        return low + (high - low) * fraction;
    }

    /** The {@code i}-th smallest of agent {@code a}'s TTFTs with {@code extra} (unless NaN) among them. */
    private double merged(int a, double extra, int i) {
        double[] v = ttfts[a];
        int k = ttftCount[a];
        if (Double.isNaN(extra)) return v[i];
        int at = 0;
        while (at < k && v[at] <= extra) at++;
        return i < at ? v[i] : i == at ? extra : v[i - 1];
    }
}
