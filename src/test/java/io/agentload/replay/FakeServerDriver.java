package io.agentload.replay;

import io.agentload.trajectory.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A minimal virtual-time driver over a fake server whose latency grows with concurrency: TTFT = base + perRequest x
 * requests in flight, then tokens at a fixed speed. It exercises the {@link AgentPool} protocol as the real drivers
 * will, and gives tests exact times.
 */
final class FakeServerDriver implements TrialRunner {

    private final List<Session> sessions;
    private final TrialPlan plan;
    private final double ttftBase;
    private final double ttftPerRequest;
    private final double tokensPerSecond;
    private final PowerMeter meter;
    private double clock;

    FakeServerDriver(List<Session> sessions, TrialPlan plan, double ttftBase, double ttftPerRequest,
                     double tokensPerSecond, PowerMeter meter) {
        this.sessions = sessions;
        this.plan = plan;
        this.ttftBase = ttftBase;
        this.ttftPerRequest = ttftPerRequest;
        this.tokensPerSecond = tokensPerSecond;
        this.meter = meter;
    }

    private record Event(double time, long seq, int lane, RequestRecord done) {
    }

    @Override
    public Trial run(int trial, int agents, List<SloTier> open, Consumer<RequestRecord> sink) {
        AgentPool pool = new AgentPool(sessions, plan, trial, agents, clock, () -> true, sink);
        PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.time != b.time
                ? Double.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
        long seq = 0;
        for (int a = 0; a < agents; a++) events.add(new Event(pool.firstSendTime(a), seq++, a, null));
        int inFlight = 0;
        double now = clock;
        while (!events.isEmpty()) {
            Event e = events.poll();
            now = e.time;
            if (e.done == null) {
                Optional<TurnRequest> sent = pool.send(e.lane, now);
                if (sent.isEmpty()) break;
                TurnRequest r = sent.get();
                inFlight++;
                double first = now + ttftBase + ttftPerRequest * inFlight;
                double last = first + (r.maxTokens() - 1) / tokensPerSecond;
                RequestRecord record = r.record()
                        .firstByteTime(first)
                        .tokenTimes(first, last)
                        .endTime(last)
                        .tokens(r.turn().inputTokens(), r.turn().reusedTokens(), r.maxTokens())
                        .build();
                events.add(new Event(last, seq++, e.lane, record));
            } else {
                inFlight--;
                List<Event> due = new ArrayList<>();
                long at = seq;
                pool.completed(e.lane, e.done, (lane, time) -> due.add(new Event(time, at + due.size(), lane, null)));
                seq += due.size();
                if (pool.done(now)) break;
                events.addAll(due);
            }
        }
        Trial result = pool.trial(meter);
        clock = result.endTime();
        return result;
    }
}
