package io.agentload.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A fake system whose every figure is known: at N agents, agent a gets {@code capacity / (N + a)} tok/s and a TTFT
 * of {@code 0.1 x (N + a)} s on each of its two 101-token requests in a 60 s window, 20,000 input tokens of which
 * 18,000 cached, while the system draws {@code 1000 + 10 N} W (when it reports power). With tiers 20 and 60 tok/s
 * (TTFT at most 6 and 3 s), an agent meets a tier while N + a stays at most capacity / speed and 10 x TTFT limit.
 * Overloaded ({@link #KnownSystem(double, boolean, int)}), an agent with N + a above a limit instead sends one request
 * before the window that gets its first token only after it: held through the window, judged and failing.
 * Public so that other packages' tests (analysis) can search it without the package's internals.
 */
public final class KnownSystem implements TrialRunner {

    private final double capacity;
    private final boolean power;
    private final int heldAbove;

    public KnownSystem(double capacity, boolean power) {
        this(capacity, power, Integer.MAX_VALUE);
    }

    /** A system that holds agent a of N through the window when N + a exceeds {@code heldAbove}. */
    public KnownSystem(double capacity, boolean power, int heldAbove) {
        this.capacity = capacity;
        this.power = power;
        this.heldAbove = heldAbove;
    }

    public static double speed(double capacity, int agents, int agent) {
        return capacity / (agents + agent);
    }

    public static double ttft(int agents, int agent) {
        return 0.1 * (agents + agent);
    }

    @Override
    public Trial run(int trial, int agents, List<SloTier> open, Consumer<RequestRecord> sink) {
        double start = 1000.0 * trial, windowStart = start + 10, windowEnd = windowStart + 60;
        List<RequestRecord> records = new ArrayList<>();
        double end = windowEnd;
        for (int a = 0; a < agents; a++) {
            if (agents + a > heldAbove) {
                double send = windowStart - 1, first = windowEnd + 5;
                RequestRecord r = RequestRecord.builder().trial(trial, a).turn("s" + a, 0, a)
                        .phase(RequestRecord.Phase.WARM_UP).sendTime(send).firstByteTime(first)
                        .tokenTimes(first, first + 1).endTime(first + 1).tokens(20_000, 18_000, 101).build();
                sink.accept(r);
                records.add(r);
                end = Math.max(end, r.endTime());
                continue;
            }
            double t = ttft(agents, a), generation = 100 / speed(capacity, agents, a);
            for (int k = 0; k < 2; k++) {
                double send = windowStart + 20 * k + a * 1e-3;
                RequestRecord r = RequestRecord.builder().trial(trial, a).turn("s" + a, k, a).sendTime(send)
                        .firstByteTime(send + t).tokenTimes(send + t, send + t + generation)
                        .endTime(send + t + generation).tokens(20_000, 18_000, 101).build();
                sink.accept(r);
                records.add(r);
                end = Math.max(end, r.endTime());
            }
        }
        return new Trial(trial, agents, start, windowStart, windowEnd, end, false, false, records,
                power ? Optional.of(new TrialMetrics.MeanPower(1000 + 10.0 * agents, "node, modelled")) : Optional.empty());
    }

    /** The SLO search over this system, at {@code tiers} on {@code gpus} GPUs. */
    public SloResult search(List<SloTier> tiers, int gpus) {
        return SloSearch.over(this).withTiers(tiers).withGpus(gpus).run();
    }

    /** The same search, recorded in {@code run}. */
    public SloResult search(List<SloTier> tiers, int gpus, Run run) {
        return SloSearch.over(this).withTiers(tiers).withGpus(gpus).run(run);
    }

    /** Trial 0's records at {@code agents} agents: window 10-70 s of its clock. */
    public List<RequestRecord> records(int agents) {
        return run(0, agents, r -> { }).records();
    }

    /** The metrics of trial 0 at {@code agents} agents. */
    public TrialMetrics metrics(int agents) {
        return TrialMetrics.of(run(0, agents, r -> { }));
    }

    /** The metrics of trial 0 at {@code agents} agents, with its window, holding {@code records} instead. */
    public TrialMetrics metrics(int agents, List<RequestRecord> records) {
        Trial known = run(0, agents, r -> { });
        return metrics(agents, known.startTime(), known.windowStart(), known.windowEnd(), known.endTime(), records);
    }

    /** The metrics of a trial 0 of {@code agents} agents, without power, over the given times and records. */
    public static TrialMetrics metrics(int agents, double start, double windowStart, double windowEnd, double end,
                                       List<RequestRecord> records) {
        return TrialMetrics.of(new Trial(0, agents, start, windowStart, windowEnd, end, false, false, records,
                Optional.empty()));
    }
}
