package io.agentload.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentload.power.PowerSummary;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a real-time replay at one fixed concurrency measured ({@link Replay#run}): the measurement window's metrics,
 * each tier's verdict, every request's outcome counted by status, how late the client sent, and the window's power.
 *
 * @param trial             the measured trial's metrics (TTFT, output speed, throughput, cached tokens...)
 * @param tiers             each tier's verdict on it
 * @param requestsByStatus  every request of the run (all trials, all phases, a killed session's too) by status:
 *                          {@code ok}, {@code refused}, {@code http_429}, {@code timeout}, {@code stream_cut}...
 * @param sendLag           how late the client sent, over the requests this process sent (empty when it sent none:
 *                          a resumed run whose trial had already finished)
 * @param power             mean power, energy and coverage over the window, absent without a power source or when
 *                          no reading covered the window
 * @param agentsPerMegawatt agents over the window's mean power in MW; NaN when power is absent
 */
public record ReplayResult(TrialMetrics trial, List<TrialMetrics.TierCheck> tiers,
                           SortedMap<String, Long> requestsByStatus, Optional<SendLag> sendLag,
                           Optional<PowerSummary> power, double agentsPerMegawatt) {

    /**
     * How late the client sent, over every request sent so far.
     *
     * @param sends     requests sent
     * @param p50Millis median lag behind the agent's due time, in ms
     * @param p99Millis 99th percentile, in ms
     * @param maxMillis the largest, in ms
     * @param lateSends sends later than {@link #LATE}
     * @param lateMeasuredSends late sends inside a measurement window: the ones that can bias a result (a cold JVM
     *                  sends its first requests a few ms late, which the warm-up absorbs)
     */
    public record SendLag(long sends, double p50Millis, double p99Millis, double maxMillis, long lateSends,
                          long lateMeasuredSends) {

        /** A send later than this after its agent was due counts as late. */
        public static final java.time.Duration LATE = java.time.Duration.ofMillis(5);
    }

    /** The file {@link #writeTo(Run)} writes. */
    public static final String SUMMARY = SloResult.SUMMARY;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ReplayResult {
        Objects.requireNonNull(trial, "trial");
        tiers = List.copyOf(tiers);
        requestsByStatus = Collections.unmodifiableSortedMap(new TreeMap<>(requestsByStatus));
        Objects.requireNonNull(sendLag, "sendLag");
        Objects.requireNonNull(power, "power");
    }

    /** Counts {@code records} by status. */
    static SortedMap<String, Long> byStatus(List<RequestRecord> records) {
        SortedMap<String, Long> counts = new TreeMap<>();
        for (RequestRecord r : records) counts.merge(r.status(), 1L, Long::sum);
        return counts;
    }

    /** Requests of the run that failed, whatever the reason. */
    public long failedRequests() {
        return requestsByStatus.entrySet().stream().filter(e -> !e.getKey().equals(RequestRecord.OK))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** The summary as JSON (what {@code agentload replay --json} prints and {@code summary.json} holds). */
    public String summaryJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("agents", trial.agents());
        root.put("trial", trial.trial());
        number(root, "window_s", trial.windowSeconds());
        number(root, "warm_up_s", trial.windowStart() - trial.startTime());
        root.put("warm_up_cut", trial.warmUpCut());
        root.put("measured_requests", trial.measuredRequests());
        root.put("failed_measured_requests", trial.failedRequests());
        ObjectNode statuses = root.putObject("requests_by_status");
        requestsByStatus.forEach(statuses::put);
        percentiles(root.putObject("ttft_s"), trial.ttft());
        percentiles(root.putObject("e2e_s"), trial.e2eLatency());
        percentiles(root.putObject("itl_s"), trial.interTokenLatency());
        number(root, "output_tps", trial.outputTokensPerSecond());
        number(root, "requests_per_s", trial.requestsPerSecond());
        number(root, "cached_token_ratio", trial.cachedTokenRatio());
        if (sendLag.isPresent()) putSendLag(root, sendLag.get());
        else root.putNull("send_lag_ms");
        number(root, "mean_power_w", power.map(PowerSummary::meanWatts).orElse(Double.NaN));
        number(root, "energy_j", power.map(PowerSummary::energyJoules).orElse(Double.NaN));
        number(root, "power_coverage", power.map(PowerSummary::coverage).orElse(Double.NaN));
        if (power.isPresent()) {
            root.put("power_boundary", trial.power().boundary());
            root.put("power_basis", power.get().label());
        } else {
            root.putNull("power_boundary");
            root.putNull("power_basis");
        }
        number(root, "agents_per_mw", agentsPerMegawatt);
        ArrayNode array = root.putArray("tiers");
        for (TrialMetrics.TierCheck c : tiers) {
            ObjectNode o = array.addObject();
            number(o, "min_output_tps", c.tier().minOutputTokensPerSecond());
            number(o, "max_ttft_s", c.tier().maxTtftSeconds());
            number(o, "percentile_of_agents", c.tier().percentileOfAgents());
            o.put("passed", c.passed());
            o.put("agents_judged", c.agentsJudged());
            o.put("agents_passing", c.agentsPassing());
            number(o, "share_passing", c.sharePassing());
            number(o, "goodput_rps", c.goodput());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the summary as JSON", e);
        }
    }

    /** Puts {@code send_lag_ms}: sends, p50, p99, max, late sends (all, and in a window) and the threshold. */
    static void putSendLag(ObjectNode parent, SendLag lag) {
        ObjectNode o = parent.putObject("send_lag_ms");
        o.put("sends", lag.sends());
        number(o, "p50", lag.p50Millis());
        number(o, "p99", lag.p99Millis());
        number(o, "max", lag.maxMillis());
        o.put("late_sends", lag.lateSends());
        o.put("late_measured_sends", lag.lateMeasuredSends());
        o.put("late_threshold_ms", ReplayResult.SendLag.LATE.toMillis());
    }

    /** Writes {@code summary.json} into {@code run}. */
    public void writeTo(Run run) {
        run.writeText(SUMMARY, summaryJson());
    }

    private static void percentiles(ObjectNode o, TrialMetrics.Percentiles p) {
        number(o, "p50", p.p50());
        number(o, "p90", p.p90());
        number(o, "p99", p.p99());
    }

    private static void number(ObjectNode o, String field, double value) {
        SloResult.number(o, field, value);
    }
}
