package io.agentload.analysis;

import io.agentload.power.Boundary;
import io.agentload.power.PowerSamples;
import io.agentload.replay.Run;
import io.agentload.replay.SloResult;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.Turn;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every analysis in one call: a Tablesaw table of the figures and the XChart chart drawn from them, as a
 * {@link Figure}.
 *
 * <pre>{@code
 * Table turns = Trajectories.read("data/coding-agent-sample.parquet");
 * Analysis.inputLengths(turns).chart();                           // log-binned histogram, published marks
 * Analysis.outputSpeedCurve(Analysis.sloResult(Run.open(Path.of("runs/h200")))).table();
 * }</pre>
 *
 * <p>Trajectory analyses take a turn table (docs/design.md, "Turn tables"; a malformed one stops with the
 * {@code TrajectoryException} that names its row and field). Run analyses take an {@link SloResult}: the one a
 * search returned, or one read back from a run folder with {@link #sloResult(Run)}. Every chart shares one look:
 * 800 x 500 pixels, titled, axes labelled with units, logarithmic where values span more than a decade, published
 * reference figures dashed grey and the data's own marks solid. Percentiles are exact, linearly interpolated
 * between closest ranks (numpy's default), as in the SLO search. Input that cannot be drawn (no turns, no trials,
 * no power) stops with an {@link AnalysisException}.
 */
public final class Analysis {

    /** Bins per decade of the logarithmic histograms unless a call says otherwise. */
    public static final int DEFAULT_BINS_PER_DECADE = 10;

    private Analysis() {
    }

    /**
     * A search's {@code report.html}: one self-contained page (no scripts, no external files) with the tier table, this
     * class's SLO curves as embedded PNGs, and every trial. A search writing a run folder writes it itself.
     */
    public static String report(SloResult result) {
        return HtmlReport.html(result);
    }

    /** The {@link SloResult.Report} that run folders get, found by {@link java.util.ServiceLoader}; see {@link #report}. */
    public static final class Report implements SloResult.Report {

        /** The provider {@link java.util.ServiceLoader} makes. */
        public Report() {
        }

        @Override
        public String html(SloResult result) {
            return report(result);
        }
    }

    /**
     * Input tokens per turn in logarithmic bins (count and share per bin), charted with the published range (~5K to
     * ~131K), the published mean (~27K) and the table's own mean.
     */
    public static Figure<XYChart> inputLengths(Table turns) {
        return inputLengths(turns, DEFAULT_BINS_PER_DECADE);
    }

    /** {@link #inputLengths(Table)} with {@code binsPerDecade} bins per power of ten. */
    public static Figure<XYChart> inputLengths(Table turns, int binsPerDecade) {
        return Distributions.inputLengths(Trajectories.turns(turns), binsPerDecade);
    }

    /** Output tokens per turn in logarithmic bins, with the table's median and p95 and the published ~150 and ~2K. */
    public static Figure<XYChart> outputLengths(Table turns) {
        return outputLengths(turns, DEFAULT_BINS_PER_DECADE);
    }

    /** {@link #outputLengths(Table)} with {@code binsPerDecade} bins per power of ten. */
    public static Figure<XYChart> outputLengths(Table turns, int binsPerDecade) {
        return Distributions.outputLengths(Trajectories.turns(turns), binsPerDecade);
    }

    /** Tool time after each turn (milliseconds) in logarithmic bins, with its median, mean and p95. */
    public static Figure<XYChart> toolTimes(Table turns) {
        return toolTimes(turns, DEFAULT_BINS_PER_DECADE);
    }

    /** {@link #toolTimes(Table)} with {@code binsPerDecade} bins per power of ten. */
    public static Figure<XYChart> toolTimes(Table turns, int binsPerDecade) {
        return Distributions.toolTimes(Trajectories.turns(turns), binsPerDecade);
    }

    /**
     * Per language: sessions, turns, share of sessions, turns per session, mean input and output tokens per turn
     * and the reused share of input; bars of the session share with the mean input as a line.
     */
    public static Figure<CategoryChart> languages(Table turns) {
        return Languages.of(Trajectories.sessions(turns));
    }

    /**
     * Input tokens by turn index: sessions reaching the turn, mean and p10/p50/p90 input, and compactions (turns
     * whose context shrank), so that growth and compaction show.
     */
    public static Figure<XYChart> contextGrowth(Table turns) {
        return ContextGrowth.of(Trajectories.sessions(turns));
    }

    /**
     * Reused tokens (repeated from the previous call's prompt and output) as a share of input tokens, by turn
     * index and overall, next to the shared prefix's share.
     */
    public static Figure<XYChart> reusedShare(Table turns) {
        return Reuse.of(Trajectories.sessions(turns));
    }

    /**
     * Turn tables side by side (in the map's order: use a {@code LinkedHashMap}), one row per workload: sessions,
     * turns, turns per session (p50, max), input tokens (mean, p50, p90, max), output tokens (p50, p95), input tokens
     * per output token, the reused share of input and the median tool time; charted as each workload's input tokens
     * per turn, cumulative, with the published coding-agent range (~5K to ~131K) and mean (~27K).
     *
     * <pre>{@code
     * Map<String, Table> w = new LinkedHashMap<>();
     * w.put("synthetic", Trajectories.read("data/coding-agent-sample.parquet"));
     * w.put("chat 1K/1K", Analysis.chatWorkload(300));
     * Analysis.workloads(w).table();
     * }</pre>
     */
    public static Figure<XYChart> workloads(Map<String, Table> byName) {
        return Workloads.of(byName);
    }

    /**
     * The result of the search recorded in a run folder ({@code Run.open(dir)}): {@code summary.json}'s tiers and
     * every trial rebuilt from {@code trials.parquet} and {@code requests.parquet}.
     */
    public static SloResult sloResult(Run run) {
        return run.sloResult();
    }

    /**
     * The share of each trial's judged agents meeting each tier against concurrent agents, with the share a tier needs
     * (90% by default) as a dashed line: the first chart of a search's {@code report.html}.
     */
    public static Figure<XYChart> tierShares(SloResult result) {
        return TierShares.of(result);
    }

    /**
     * Per-agent output speed (p10, p50, p90 over each trial's agents) against concurrent agents, with each tier's
     * minimum speed and the max agents the search found for it marked on that line.
     */
    public static Figure<XYChart> outputSpeedCurve(SloResult result) {
        return SloCurves.outputSpeed(result);
    }

    /**
     * Per-agent TTFT (p50, p90, p99 over each trial's agents, an agent's TTFT being the p90 of its requests')
     * against concurrent agents, with each tier's maximum TTFT and its max agents; request-level TTFT percentiles
     * in the table too.
     */
    public static Figure<XYChart> ttftCurve(SloResult result) {
        return SloCurves.ttft(result);
    }

    /** Output tokens and requests per second (in total and per GPU) against concurrent agents. */
    public static Figure<XYChart> throughput(SloResult result) {
        return ThroughputCurves.throughput(result);
    }

    /** Mean power, output tokens per joule and agents per MW of each trial that carries power, against concurrency. */
    public static Figure<XYChart> power(SloResult result) {
        return ThroughputCurves.power(result);
    }

    /**
     * Power readings over time ({@code Power.read(file)}, a sampler's {@code stop()}, a simulation's modelled power):
     * every reading as a row ({@code time_s, device, watts, energy_j, source, boundary}) and, per boundary, the total
     * of the readings taken together (the GPUs of one poll) against the run's clock.
     */
    public static Figure<XYChart> powerSamples(PowerSamples samples) {
        return PowerTrace.of(samples, Double.NaN, Double.NaN);
    }

    /**
     * {@link #powerSamples(PowerSamples)} with a measurement window [{@code startTime}, {@code endTime}] marked, and each
     * boundary's time-weighted mean power over it ({@link PowerSamples#summary(double, double, Boundary)}) drawn
     * across it.
     */
    public static Figure<XYChart> powerSamples(PowerSamples samples, double startTime, double endTime) {
        if (!Double.isFinite(startTime) || !Double.isFinite(endTime)) {
            throw new AnalysisException("power window [" + startTime + ", " + endTime + "] s is not finite");
        }
        return PowerTrace.of(samples, startTime, endTime);
    }

    /**
     * Agents per Megawatt by tier, one bar per system (in the map's order: use a {@code LinkedHashMap}), with max
     * agents, agents per GPU, mean power and its boundary in the table.
     */
    public static Figure<CategoryChart> agentsPerMegawatt(Map<String, SloResult> bySystem) {
        return TierComparison.agentsPerMegawatt(bySystem);
    }

    /**
     * Max agents by tier, one bar per workload (in the map's order: use a {@code LinkedHashMap}), e.g. one system
     * searched with variants of a workload, with agents per GPU and what the system delivered at max agents in the
     * table.
     */
    public static Figure<CategoryChart> maxAgents(Map<String, SloResult> byWorkload) {
        return TierComparison.maxAgents(byWorkload);
    }

    /**
     * Single trials side by side (in the map's order: use a {@code LinkedHashMap}), such as a real-time replay's trial
     * ({@code ReplayResult.trial()}) and the same configuration in virtual time ({@code Simulation.trial(agents)}):
     * one table row per (trial, tier) with request TTFT percentiles, the per-agent speed and TTFT percentiles the
     * tiers judge, the cached-token ratio and the tier's verdict; a chart of every judged agent's output speed against
     * its TTFT, with each tier's minimum speed and maximum TTFT as the corner its agents must stay inside.
     */
    public static Figure<XYChart> trialComparison(Map<String, TrialMetrics> byLabel, List<SloTier> tiers) {
        return TrialComparison.of(byLabel, tiers);
    }

    /**
     * Agentic trajectories against a fixed-length chat workload searched on the same system (see
     * {@link #chatWorkload(int, int, int)}): max agents per GPU and output tokens per second per GPU at those agents
     * against the tiers' minimum output speed; the table adds requests per second, Agents per Megawatt and the
     * cached-token ratio per tier.
     */
    public static Figure<XYChart> agenticVsChat(SloResult agentic, SloResult chat) {
        return agenticVsChat("agentic", agentic, "chat", chat);
    }

    /** {@link #agenticVsChat(SloResult, SloResult)} with the two workloads' names for the legend and table. */
    public static Figure<XYChart> agenticVsChat(String agenticLabel, SloResult agentic, String chatLabel,
                                                      SloResult chat) {
        return TierComparison.agenticVsChat(agenticLabel, agentic, chatLabel, chat);
    }

    /** The usual fixed-length chat benchmark as a turn table: {@code sessions} single turns of 1,024 in, 1,024 out. */
    public static Table chatWorkload(int sessions) {
        return chatWorkload(sessions, 1024, 1024);
    }

    /**
     * A fixed-length chat workload as a turn table, to replay or simulate next to agentic trajectories: {@code
     * sessions} single-turn sessions of {@code inputTokens} in and {@code outputTokens} out, with no reuse, no shared
     * prefix, no language and no tool time (a closed-loop user sends the next request at once, as fixed-length
     * benchmarks do).
     */
    public static Table chatWorkload(int sessions, int inputTokens, int outputTokens) {
        if (sessions < 1) throw new IllegalArgumentException("sessions " + sessions + " < 1");
        if (inputTokens < 1 || outputTokens < 1) {
            throw new IllegalArgumentException("chat turns of " + inputTokens + " in, " + outputTokens + " out");
        }
        List<Turn> turns = new ArrayList<>(sessions);
        int digits = String.valueOf(sessions - 1).length();
        for (int i = 0; i < sessions; i++) {
            turns.add(new Turn(String.format(Locale.ROOT, "chat-%0" + digits + "d", i), 0, "", inputTokens, 0, "", 0,
                    outputTokens, 0, List.of()));
        }
        return Trajectories.table(turns).setName("chat " + Style.tokens(inputTokens) + " in, "
                + Style.tokens(outputTokens) + " out");
    }
}
