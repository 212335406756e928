package io.agentload.replay;

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
 * The run folder holds it as {@code summary.json} ({@link ReplaySummary}, read with {@link Run#replaySummary()}).
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
     * @param p50Seconds median lag behind the agent's due time
     * @param p99Seconds 99th percentile
     * @param maxSeconds the largest
     * @param lateSends sends later than {@link #LATE}
     * @param lateMeasuredSends late sends inside a measurement window: the ones that can bias a result (a cold JVM
     *                  sends its first requests a few ms late, which the warm-up absorbs)
     */
    public record SendLag(long sends, double p50Seconds, double p99Seconds, double maxSeconds, long lateSends,
                          long lateMeasuredSends) {

        /** A send later than this after its agent was due counts as late. */
        public static final java.time.Duration LATE = java.time.Duration.ofMillis(5);
    }

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

    /**
     * Requests of the run that failed, whatever the reason: every status but {@link RequestRecord#OK} and
     * {@link RequestRecord#CUT_AT_GRACE} (judged on what it received).
     */
    public long failedRequests() {
        return requestsByStatus.entrySet().stream()
                .filter(e -> !e.getKey().equals(RequestRecord.OK) && !e.getKey().equals(RequestRecord.CUT_AT_GRACE))
                .mapToLong(Map.Entry::getValue).sum();
    }
}
