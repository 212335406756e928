package io.agentload.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agentload.power.PowerSummary;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a real-time replay's {@code summary.json} holds, field for field ({@code agentload replay --json} prints it):
 * the measured trial's figures, every request by status, the client's send lag, the window's power and each tier's
 * verdict. Read it with {@link Run#replaySummary()}. An unknown figure is NaN here and null in the file.
 *
 * @param agents                 concurrent agents
 * @param trial                  the measured trial's number
 * @param windowS                the measurement window
 * @param warmUpS                the warm-up before it
 * @param warmUpCut              true when the warm-up reached its maximum before every agent had finished a turn
 * @param measuredRequests       requests in the window
 * @param failedMeasuredRequests those of them that failed
 * @param requestsByStatus       every request of the run (all trials, all phases) by status
 * @param ttftS                  request TTFT percentiles
 * @param e2eS                   request end-to-end latency percentiles
 * @param itlS                   inter-token latency percentiles
 * @param outputTps              output tokens per second of window
 * @param requestsPerS           requests per second of window
 * @param cachedTokenRatio       cached over input tokens
 * @param sendLagMs              how late the client sent; null when this process sent nothing
 * @param meanPowerW             the window's mean power
 * @param energyJ                its energy
 * @param powerCoverage          the share of the window that power readings covered
 * @param powerBoundary          the power's boundary and how it was obtained; null without power
 * @param powerBasis             how the window's figure was computed; null without power
 * @param agentsPerMw            agents over the mean power in MW
 * @param tiers                  each tier's verdict
 */
public record ReplaySummary(int agents, int trial, double windowS, double warmUpS, boolean warmUpCut,
                            int measuredRequests, int failedMeasuredRequests, SortedMap<String, Long> requestsByStatus,
                            TrialMetrics.Percentiles ttftS, TrialMetrics.Percentiles e2eS,
                            TrialMetrics.Percentiles itlS, double outputTps, double requestsPerS,
                            double cachedTokenRatio, @JsonInclude(JsonInclude.Include.ALWAYS) SendLag sendLagMs,
                            double meanPowerW, double energyJ, double powerCoverage,
                            @JsonInclude(JsonInclude.Include.ALWAYS) String powerBoundary,
                            @JsonInclude(JsonInclude.Include.ALWAYS) String powerBasis, double agentsPerMw,
                            List<Verdict> tiers) {

    public ReplaySummary {
        requestsByStatus = Collections.unmodifiableSortedMap(new TreeMap<>(requestsByStatus));
        tiers = List.copyOf(tiers);
    }

    /**
     * How late the client sent ({@code send_lag_ms}).
     *
     * @param sends             requests sent
     * @param p50               median lag behind the agent's due time, in ms
     * @param p99               99th percentile, in ms
     * @param max               the largest, in ms
     * @param lateSends         sends later than {@code lateThresholdMs}
     * @param lateMeasuredSends late sends inside a measurement window
     * @param lateThresholdMs   what counts as late
     */
    public record SendLag(long sends, double p50, double p99, double max, long lateSends, long lateMeasuredSends,
                          long lateThresholdMs) {

        static SendLag of(ReplayResult.SendLag lag) {
            return new SendLag(lag.sends(), millis(lag.p50Seconds()), millis(lag.p99Seconds()),
                    millis(lag.maxSeconds()), lag.lateSends(), lag.lateMeasuredSends(),
                    ReplayResult.SendLag.LATE.toMillis());
        }

        /** The recorder's whole microseconds, in ms exactly as the file always held them. */
        private static double millis(double seconds) {
            return Math.round(seconds * 1e6) / 1e3;
        }
    }

    /**
     * One tier's verdict on the trial.
     *
     * @param minOutputTps       the tier's minimum per-agent output speed (tok/s)
     * @param maxTtftS           its maximum per-agent TTFT (s)
     * @param percentileOfAgents the share of agents that must meet both
     * @param passed             true when that share did
     * @param agentsJudged       agents judged
     * @param agentsPassing      agents that met both
     * @param sharePassing       agentsPassing over agentsJudged
     * @param goodputRps         measured requests per second that met both
     */
    public record Verdict(double minOutputTps, double maxTtftS, double percentileOfAgents, boolean passed,
                          int agentsJudged, int agentsPassing, double sharePassing, double goodputRps) {
    }

    /** The summary of a replay's result. */
    static ReplaySummary of(ReplayResult r) {
        TrialMetrics m = r.trial();
        return new ReplaySummary(m.agents(), m.trial(), m.windowSeconds(), m.windowStart() - m.startTime(),
                m.warmUpCut(), m.measuredRequests(), m.failedRequests(), r.requestsByStatus(), m.ttft(),
                m.e2eLatency(), m.interTokenLatency(), m.outputTokensPerSecond(), m.requestsPerSecond(),
                m.cachedTokenRatio(), r.sendLag().map(SendLag::of).orElse(null),
                r.power().map(PowerSummary::meanWatts).orElse(Double.NaN),
                r.power().map(PowerSummary::energyJoules).orElse(Double.NaN),
                r.power().map(PowerSummary::coverage).orElse(Double.NaN),
                r.power().isPresent() ? m.power().map(TrialMetrics.MeanPower::boundary).orElse(null) : null,
                r.power().map(PowerSummary::label).orElse(null), r.agentsPerMegawatt(),
                r.tiers().stream().map(c -> new Verdict(c.tier().minOutputTokensPerSecond(), c.tier().maxTtftSeconds(),
                        c.tier().percentileOfAgents(), c.passed(), c.agentsJudged(), c.agentsPassing(),
                        c.sharePassing(), c.goodput())).toList());
    }
}
