package io.agentload.replay;


import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntToDoubleFunction;

/**
 * A fake system with a known capacity curve: at N agents every agent gets {@code speed(N)} tok/s and TTFT
 * {@code ttft(N)}, and the system draws {@code watts(N)}. Each agent sends two 101-token requests in a 60 s window.
 */
class CapacityRunner implements TrialRunner {

    private final IntToDoubleFunction speed;
    private final IntToDoubleFunction ttft;
    private final IntToDoubleFunction watts;
    final List<Integer> asked = new ArrayList<>();

    CapacityRunner(IntToDoubleFunction speed, IntToDoubleFunction ttft, IntToDoubleFunction watts) {
        this.speed = speed;
        this.ttft = ttft;
        this.watts = watts;
    }

    /** Total throughput 4000 tok/s shared by the agents; TTFT 0.2 s + 10 ms per agent; 1000 W + 10 W per agent. */
    static CapacityRunner standard() {
        return new CapacityRunner(n -> 4000.0 / n, n -> 0.2 + 0.01 * n, n -> 1000 + 10.0 * n);
    }

    @Override
    public Trial run(int trial, int agents, List<SloTier> open, Consumer<RequestRecord> sink) {
        asked.add(agents);
        return trial(trial, agents, sink);
    }

    /** The same system with independent trials, so a search may compute several at once; logs every one computed. */
    static final class Independent extends CapacityRunner {
        final List<String> computed = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Every trial computed, with how many tiers it was told are open: "3@8/5". */
        final List<String> computedWithOpen = java.util.Collections.synchronizedList(new ArrayList<>());

        Independent() {
            super(n -> 4000.0 / n, n -> 0.2 + 0.01 * n, n -> 1000 + 10.0 * n);
        }

        @Override
        public boolean independent() {
            return true;
        }

        @Override
        public Placement compute(int trial, int agents, List<SloTier> open) {
            computed.add(trial + "@" + agents);
            computedWithOpen.add(trial + "@" + agents + "/" + open.size());
            Trial t = trial(trial, agents, r -> { });
            return sink -> {
                synchronized (asked) {
                    asked.add(agents);
                }
                t.records().forEach(sink);
                return t;
            };
        }
    }

    Trial trial(int trial, int agents, Consumer<RequestRecord> sink) {
        double start = 1000.0 * trial, windowStart = start + 10, windowEnd = windowStart + 60;
        double generation = 100 / speed.applyAsDouble(agents), t = ttft.applyAsDouble(agents);
        List<RequestRecord> records = new ArrayList<>();
        double end = windowEnd;
        for (int a = 0; a < agents; a++) {
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
                Optional.of(new TrialMetrics.MeanPower(watts.applyAsDouble(agents), "node, modelled")));
    }
}
