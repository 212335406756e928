package io.agentload.replay;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one trial of N concurrent agents produced: its timeline, every request record (all phases, in completion
 * order) and the mean power of its measurement window. The SLO search judges tiers from it.
 *
 * @param trial       the trial's number within the run
 * @param agents      concurrent agents
 * @param startTime   when the trial started, on the run's clock (seconds)
 * @param windowStart when the measurement window opened (the warm-up's end)
 * @param windowEnd   when the measurement window closed
 * @param endTime     when the last request sent before the window's end completed, or when the trial was cut
 * @param warmUpCut    true when warm-up hit its maximum before every agent finished a turn and the target was warm
 * @param cutAtVerdict true when the trial stopped once its verdict on every tier it was run for was certain, before its
 *                     measured requests had all completed: the requests then in flight are recorded as
 *                     {@value RequestRecord#CUT_AT_VERDICT} (failed), so its latency figures leave out the slowest
 *                     requests and understate the whole trial's (docs/design.md, "Cut at the verdict")
 * @param records     every request record of the trial
 * @param power       mean power over the measurement window, when the run had a power source
 * @param interTokenLatency the ITL percentiles over every gap of the successful measured requests, counted as they
 *                    completed ({@link GapCounts}), so that records need not keep their gaps; null when not counted
 *                    (a trial rebuilt from a run folder): then {@link TrialMetrics} computes them from the records'
 *                    gaps, when they were kept
 * @param windowOutputTokens output tokens of every request generated within the window, as the driver counted them
 *                    ({@link WindowTokens}) or a run folder recorded them; -1 when not counted (a trial assembled
 *                    from records): then they are found from the records' token times
 * @param windowOpened  why the window opened
 * @param coolDownEnded why the cool-down ended
 */
record Trial(int trial, int agents, double startTime, double windowStart, double windowEnd, double endTime,
                    boolean warmUpCut, boolean cutAtVerdict, List<RequestRecord> records,
                    Optional<TrialMetrics.MeanPower> power, TrialMetrics.@Nullable Percentiles interTokenLatency,
                    long windowOutputTokens, TrialMetrics.WindowOpened windowOpened,
                    TrialMetrics.CoolDownEnded coolDownEnded) {

    public Trial {
        records = List.copyOf(records);
        Objects.requireNonNull(windowOpened, "windowOpened");
        Objects.requireNonNull(coolDownEnded, "coolDownEnded");
        if (agents < 1) throw new IllegalArgumentException("trial " + trial + " has " + agents + " agents");
        if (!(startTime <= windowStart && windowStart < windowEnd && windowEnd <= endTime)) {
            throw new IllegalArgumentException("trial " + trial + ": times start " + startTime + " <= window ["
                    + windowStart + ", " + windowEnd + ") <= end " + endTime + " do not hold");
        }
    }

    /** A trial whose phases' ends were not recorded. */
    Trial(int trial, int agents, double startTime, double windowStart, double windowEnd, double endTime,
          boolean warmUpCut, boolean cutAtVerdict, List<RequestRecord> records, Optional<TrialMetrics.MeanPower> power,
          TrialMetrics.@Nullable Percentiles interTokenLatency, long windowOutputTokens) {
        this(trial, agents, startTime, windowStart, windowEnd, endTime, warmUpCut, cutAtVerdict, records, power,
                interTokenLatency, windowOutputTokens, TrialMetrics.WindowOpened.UNRECORDED,
                TrialMetrics.CoolDownEnded.UNRECORDED);
    }

    /**
     * A trial whose gaps and tokens were not counted: its ITL percentiles come from its records' gaps, its window's
     * output tokens from their token times.
     */
    Trial(int trial, int agents, double startTime, double windowStart, double windowEnd, double endTime,
          boolean warmUpCut, boolean cutAtVerdict, List<RequestRecord> records, Optional<TrialMetrics.MeanPower> power) {
        this(trial, agents, startTime, windowStart, windowEnd, endTime, warmUpCut, cutAtVerdict, records, power, null,
                -1);
    }

    /** The measurement window's length in seconds. */
    public double windowSeconds() {
        return windowEnd - windowStart;
    }

    /** The same trial with every time moved by {@code seconds} (see {@link RequestRecord#shifted}). */
    Trial shifted(double seconds) {
        return new Trial(trial, agents, startTime + seconds, windowStart + seconds, windowEnd + seconds,
                endTime + seconds, warmUpCut, cutAtVerdict, records.stream().map(r -> r.shifted(seconds)).toList(), power,
                interTokenLatency, windowOutputTokens, windowOpened, coolDownEnded);
    }

    /** The output tokens generated within the window: as counted, else from the records' token times. */
    long outputTokensInWindow() {
        return windowOutputTokens >= 0 ? windowOutputTokens : WindowTokens.ofRecords(records, windowStart, windowEnd);
    }

    /** The records of requests sent inside the measurement window. */
    public List<RequestRecord> measured() {
        return records.stream().filter(RequestRecord::measured).toList();
    }
}
