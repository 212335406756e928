package io.agentload.replay;

import io.agentload.power.PowerSampler;
import io.agentload.sim.Engine;
import io.agentload.sim.EngineConfig;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;

/**
 * One trial's discrete-event loop: agent wake-ups and engine step ends in time order, on the engine's clock. At each
 * event time the loop first records the power of the stretch since the previous event, then sends the requests of
 * the agents due (submitting them to the engine), then steps the engine, which completes what is due, reports tokens
 * and finished requests to this listener and starts the next steps; a finished request becomes a record and its
 * agent's next wake-up. The loop ends when the pool says the trial is over.
 *
 * <p>Records have the shape of a real run's: the first token (and first byte) at the end of the step that finished
 * the prefill, one inter-token gap per later token event (a streamed chunk), the last token and the end at the step
 * that produced it, and the engine's {@code usage}: prompt, cached (prefix-cache hits at the first admission) and
 * output tokens. The engine reports steady decoding in bulk (a {@link Engine.BulkListener}): a request's later
 * tokens may arrive only at its finish, each with its own time, which is all a record needs. A prompt plus output
 * longer than the model's context, or than one replica's whole KV cache, is refused at once, as an OpenAI-compatible
 * server (and {@code agentload serve}) refuses it with HTTP 400.
 *
 * <p>Once the window has closed, the loop shows the {@link VerdictWatch} the requests in flight every so often (the
 * engine's bulk tokens flushed first, so that each stream holds what a client would have received); when it finds the
 * verdict certain, the trial stops there: each request in flight is cancelled in the engine and recorded once, as
 * {@value RequestRecord#CUT_AT_VERDICT}, with what it had received.
 *
 * <p>Every token the engine reports is also counted by its time against the window ({@link WindowTokens}): the
 * trial's output throughput, the same whether the trial ran whole or was cut after its window.
 */
final class VirtualTrial implements Engine.BulkListener {

    /** The status of a request the model's context cannot hold: what vLLM and other servers answer. */
    static final String CONTEXT_EXCEEDED = "http_400";

    /** How often the loop looks for a cancellation (a search dropping a speculative trial): every 4,096 events. */
    private static final long CANCEL_CHECK_MASK = 4095;

    private record Wake(double time, long sequence, int lane) {
    }

    /** What the client has seen of one request in flight. */
    private static final class Stream {
        final TurnRequest request;
        double firstToken = Double.NaN;
        double lastToken;
        /** At most one gap per output token after the first, so never grown. */
        final float[] gaps;
        int gapCount;
        int tokens;

        Stream(TurnRequest request) {
            this.request = request;
            this.gaps = new float[Math.max(0, request.maxTokens() - 1)];
        }

        /** A chunk of {@code count} tokens at {@code time}: the first token, or one more gap. */
        void token(double time, int count) {
            if (Double.isNaN(firstToken)) {
                firstToken = time;
            } else {
                gaps[gapCount++] = (float) (time - lastToken);
            }
            lastToken = time;
            tokens += count;
        }
    }

    private final Engine engine;
    private final AgentPool pool;
    private final CacheWarmth warmth;
    private final PowerSampler.ModelFeed power;
    private final VerdictWatch verdict;
    private final int contextTokens;
    private final PriorityQueue<Wake> wakes = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Double.compare(a.time, b.time) : Long.compare(a.sequence, b.sequence));
    private final Map<Engine.Request, Stream> inFlight = new IdentityHashMap<>();
    private final BlockChains chains = new BlockChains();
    private final WindowTokens windowTokens;
    private long sequence;

    VirtualTrial(Engine engine, AgentPool pool, CacheWarmth warmth, PowerSampler.ModelFeed power,
                 VerdictWatch verdict) {
        this.engine = engine;
        this.pool = pool;
        this.warmth = warmth;
        this.power = power;
        this.verdict = verdict;
        this.contextTokens = engine.config().model().maxContextTokens();
        this.windowTokens = pool.windowTokens(true); // the engine reports events in time order
    }

    /** The output tokens generated within the window, counted as the engine reported them. */
    WindowTokens windowTokens() {
        return windowTokens;
    }

    /** The window count, opened as soon as the pool has opened the window. */
    private WindowTokens window() {
        pool.openWhenKnown(windowTokens);
        return windowTokens;
    }

    /**
     * Runs {@code agents} agents from {@code start} until the trial is over; returns the time it ended.
     *
     * @throws CancellationException if the thread is interrupted (checked every few thousand events)
     */
    double run(int agents, double start) {
        for (int a = 0; a < agents; a++) wakes.add(new Wake(pool.firstSendTime(a), sequence++, a));
        double now = start;
        Engine.Step step = engine.step(now, this);
        for (long events = 0; ; events++) {
            if ((events & CANCEL_CHECK_MASK) == 0 && Thread.currentThread().isInterrupted()) {
                throw new CancellationException("trial cancelled at " + now + " s of virtual time");
            }
            double next = Math.min(wakes.isEmpty() ? Double.POSITIVE_INFINITY : wakes.peek().time, step.end());
            if (next == Double.POSITIVE_INFINITY) {
                throw new IllegalStateException("trial stalled at " + now + " s: no agent due and the engine is idle");
            }
            if (next > now) power.record(now, next, step.gpuWatts(), step.systemWatts());
            now = Math.max(now, next);
            while (!wakes.isEmpty() && wakes.peek().time <= now) {
                Optional<TurnRequest> due = pool.send(wakes.poll().lane, now);
                if (due.isEmpty()) return now;
                send(due.get(), now);
            }
            step = engine.step(now, this);
            if (pool.done(now)) return now;
            if (verdictCertain(now)) return cut(now);
        }
    }

    private boolean verdictCertain(double now) {
        double windowEnd = pool.windowEnd();
        if (!verdict.due(now, windowEnd)) return false;
        engine.flushTokens(this); // the bounds and a cut's records need every token a client would have by now
        for (Stream s : inFlight.values()) verdict.inFlight(s.request, s.firstToken, s.tokens);
        return verdict.certain(now, windowEnd);
    }

    /** Ends the trial at {@code now}: every request in flight cancelled and recorded, in lane order. */
    private double cut(double now) {
        List<Map.Entry<Engine.Request, Stream>> flying = new ArrayList<>(inFlight.entrySet());
        flying.sort(Comparator.comparingInt(e -> e.getValue().request.lane()));
        inFlight.clear();
        pool.cutAtVerdict();
        for (Map.Entry<Engine.Request, Stream> e : flying) {
            Engine.Request request = e.getKey();
            Stream s = e.getValue();
            engine.cancel(request);
            boolean started = !Double.isNaN(s.firstToken);
            pool.completed(s.request.lane(), s.request.record()
                    .writtenTime(s.request.sendTime())
                    .firstByteTime(s.firstToken)
                    .tokenTimes(s.firstToken, started ? s.lastToken : Double.NaN)
                    .endTime(now)
                    .tokens(request.promptTokens(), -1, s.tokens)
                    .interTokenLatencies(Arrays.copyOf(s.gaps, s.gapCount))
                    .failed(RequestRecord.CUT_AT_VERDICT, request.id() + ": cut at " + now + " s with " + s.tokens
                            + " of " + request.outputTokens() + " output tokens, the trial's verdict certain")
                    .build(), AgentPool.Wakes.NONE);
        }
        return now;
    }

    private void send(TurnRequest r, double now) {
        int prompt = Math.max(1, r.turn().inputTokens());
        String id = "trial " + r.trial() + " agent " + r.agent() + " session " + r.turn().sessionId() + " turn "
                + r.turn().turn();
        if ((long) prompt + r.maxTokens() > contextTokens) {
            RequestRecord refused = r.record().endTime(now).tokens(prompt, -1, 0)
                    .failed(CONTEXT_EXCEEDED, id + ": " + prompt + " prompt + " + r.maxTokens() + " output tokens exceed "
                            + engine.config().model().name() + "'s context of " + contextTokens)
                    .build();
            pool.completed(r.lane(), refused, this::wake);
            return;
        }
        Engine.Request request = new Engine.Request(id, prompt, chains.of(r), r.maxTokens(), conversation(r));
        try {
            engine.check(request); // longer than a replica's KV cache: `agentload serve` answers 400 with the message
        } catch (IllegalArgumentException e) {
            RequestRecord refused = r.record().endTime(now).tokens(prompt, -1, 0).failed(CONTEXT_EXCEEDED, e.getMessage())
                    .build();
            pool.completed(r.lane(), refused, this::wake);
            return;
        }
        inFlight.put(request, new Stream(r));
        if (r.primedTokens() > 0) engine.submitPrimed(request, now, r.primedTokens());
        else engine.submit(request, now);
    }

    private void wake(int lane, double time) {
        wakes.add(new Wake(time, sequence++, lane));
    }

    /**
     * The conversation a request continues, for conversation-affinity routing: the agent's replay of one session (its
     * turns share one salted prefix chain). Left out when the engine routes otherwise.
     */
    private @Nullable String conversation(TurnRequest r) {
        if (engine.config().routing() != EngineConfig.Routing.CONVERSATION) return null;
        return "agent " + r.agent() + " session " + r.turn().sessionId();
    }

    @Override
    public void tokens(Engine.Request request, int count, double time) {
        inFlight.get(request).token(time, count);
        window().add(time, count);
    }

    @Override
    public void tokens(Engine.Request request, double[] times, int from, int to) {
        Stream s = inFlight.get(request);
        for (int i = from; i < to; i++) s.token(times[i], 1);
        window().add(times, from, to);
    }

    @Override
    public void finished(Engine.Request request, Engine.Usage usage, double time) {
        Stream s = inFlight.remove(request);
        RequestRecord record = s.request.record()
                .writtenTime(s.request.sendTime()) // the simulator has the whole prompt at once
                .firstByteTime(s.firstToken)
                .tokenTimes(s.firstToken, s.lastToken)
                .endTime(time)
                .tokens(usage.promptTokens(), usage.cachedTokens(), usage.outputTokens())
                .interTokenLatencies(s.gapCount == s.gaps.length ? s.gaps : Arrays.copyOf(s.gaps, s.gapCount))
                .build();
        warmth.add(usage.cachedTokens(), usage.promptTokens());
        pool.completed(s.request.lane(), record, this::wake);
    }
}
