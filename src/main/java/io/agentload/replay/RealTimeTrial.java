package io.agentload.replay;

import io.agentload.endpoint.CompletionResult;
import io.agentload.endpoint.Endpoint;
import io.agentload.endpoint.EndpointRequest;
import io.agentload.internal.MonotonicClock;
import io.agentload.trajectory.Session;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static io.agentload.endpoint.CompletionResult.NOT_REACHED;

/**
 * One real-time trial: the {@link AgentPool}'s agents sending to an {@link Endpoint} on the run's clock.
 *
 * <p>Threads. One platform timer thread holds every agent's next wake-up and, when one is due, takes the agent's
 * turn from the pool and hands it to the endpoint, which runs the call on a thread of its own: building the body (a
 * pass over up to 131K token ids), stamping the send time and executing the call happen there, so agents due together
 * send in parallel, none waits behind another's body, and no hand-off between threads lies inside TTFT. A request's
 * completion runs on its call's thread: it turns the result into a record, tells the pool, and schedules the agent's
 * next send, or sends it at once when the tool time is already over. Records reach the sink through a queue drained
 * by one recorder thread, so a slow disk (a request-log part being written) never holds up a completion or a send;
 * the recorder appends within microseconds, and the log journals every append.
 *
 * <p>Warm-up ends as for the simulator: every agent has finished a turn, the plan's minimum has passed and, when
 * the endpoint reports {@code cached_tokens}, its prefix cache is warm ({@link CacheWarmth}); in a primed trial, once
 * half of the agents have finished a turn, or the endpoint is certainly behind their first requests by the run's tiers
 * ({@link AgentPool#judgeFirstBurstBy}), and the minimum has passed. A primed trial asks {@code agentload serve} to cache each agent's context before its first
 * request ({@link EndpointRequest#primedTokens()}).
 *
 * <p>Every send's lag behind its agent's due time is recorded ({@link SendLagRecorder}). A tick every 100 ms ends the
 * trial once the pool says it is over (also when the maximum warm-up passes with no completion at all, or when the
 * cool-down grace runs out with requests still in flight), or once the requests still in flight after the window can
 * no longer change a verdict ({@link #settled}), and draws the progress bar. The pool records which rule ended it.
 *
 * <p>The end. Whatever is still in flight when the trial ends (cool-down traffic, and measured requests the grace
 * gave up on) is stopped ({@link Endpoint#stop}), so that it loads neither the next trial nor its records, and
 * recorded with what it had received by the end, as {@link RequestRecord#CUT_AT_GRACE} when it was measured and had
 * its first token (judged on what it received), else as {@link RequestRecord#CUT_AT_END}: every request the server
 * saw has one record. Sends and completions decide under this trial's lock whether the trial is over, so the
 * requests in flight at its end are exactly those the end cuts.
 */
final class RealTimeTrial {

    private static final long TICK_NANOS = 100_000_000L;
    /** How long the end waits for a stopped request to let go of its call; it takes microseconds. */
    private static final long STOP_WAIT_SECONDS = 10;
    /** Marks the end of the records: the recorder stops when it takes this very object. */
    private static final RequestRecord END = RequestRecord.builder().build();

    private final int trial;
    private final Endpoint endpoint;
    private final AgentPool pool;
    private final MonotonicClock clock;
    private final TrialPlan plan;
    private final double coolDownGraceSeconds;
    private final SendLagRecorder lag;
    private final Consumer<RequestRecord> sink;
    private final ScheduledThreadPoolExecutor timer;
    private final LinkedBlockingQueue<RequestRecord> recorded = new LinkedBlockingQueue<>();
    /** Each lane's request in flight; changed only under this trial's lock, and only until the trial is over. */
    private final Map<Integer, Sent> inFlight = new ConcurrentHashMap<>();
    private final CountDownLatch over = new CountDownLatch(1);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final double startTime;
    private final CacheWarmth warmth;
    /** Output tokens by their chunks' arrival within the window; fed under this trial's lock. */
    private final WindowTokens windowTokens;
    private boolean reportsCache;
    /** Per agent, whether it certainly fails every tier the run is judged by ({@link #settled}). */
    private VerdictWatch agentVerdicts;
    /** The trial's verdict on the tiers still open, or null when none is: the trial may stop once it is certain. */
    private VerdictWatch openVerdict;
    /** Why the trial ended before its cool-down grace ran out, for the records it cut; empty when it did not. */
    private String endReason = "";
    /** When the trial ended, on the run's clock: what in-flight requests had received by then is what they keep. */
    private double endTime = Double.NaN;
    private volatile Throwable failure;

    /** A lane due at a time, as a completion's pool call names it; scheduled once the trial's lock is let go. */
    private record Due(int lane, double time) {
    }

    /** A request on its way: what was sent, when its agent was due, and the endpoint's future. */
    private record Sent(TurnRequest request, long dueNanos, CompletableFuture<CompletionResult> future) {
    }

    RealTimeTrial(int trial, int agents, Endpoint endpoint, List<Session> sessions, TrialPlan plan,
                  double coolDownGraceSeconds, boolean prime, MonotonicClock clock, SendLagRecorder lag,
                  Consumer<RequestRecord> sink) {
        this.trial = trial;
        this.endpoint = endpoint;
        this.clock = clock;
        this.plan = plan;
        this.coolDownGraceSeconds = coolDownGraceSeconds;
        this.lag = lag;
        this.sink = sink;
        this.startTime = clock.now();
        this.warmth = new CacheWarmth(agents);
        this.agentVerdicts = new VerdictWatch(SloTier.defaults(), agents).decidingPasses();
        this.pool = new AgentPool(sessions, plan, trial, agents, startTime, this::warm, recorded::add);
        this.windowTokens = pool.windowTokens(false); // completions come from many threads, not in time order
        pool.endCoolDownAfter(coolDownGraceSeconds);
        if (prime) pool.primeFirstTurns();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon()
                .name("agentload-replay-timer").unstarted(r));
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Whether records keep every inter-token gap or only their summary ({@link AgentPool#keepGaps}). */
    RealTimeTrial keepGaps(boolean keep) {
        pool.keepGaps(keep);
        return this;
    }

    /**
     * Judges the trial's agents by {@code tiers} after the window, so the cool-down stops waiting for requests that can
     * no longer change a verdict ({@link #settled}), and stops the trial once every {@code open} tier certainly fails.
     */
    RealTimeTrial judgedBy(List<SloTier> tiers, List<SloTier> open) {
        pool.judgeFirstBurstBy(tiers);
        agentVerdicts = new VerdictWatch(tiers, pool.agents()).decidingPasses();
        openVerdict = open.isEmpty() ? null : new VerdictWatch(open, pool.agents());
        return this;
    }

    /** Runs the trial to its end and returns it, with the window's mean power from {@code meter}. */
    Trial run(int agents, PowerMeter meter, PrintWriter progress) {
        Thread recorder = Thread.ofVirtual().name("agentload-recorder").start(this::drainToSink);
        TrialProgress bar = progress == null ? null : new TrialProgress(progress, trial, agents, plan.measurementSeconds());
        try {
            for (int a = 0; a < agents; a++) schedule(a, pool.firstSendTime(a));
            timer.scheduleAtFixedRate(() -> tick(bar), TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
            awaitEnd();
        } finally {
            finish(clock.now());
            timer.shutdownNow();
            cutInFlight();
            recorded.add(END);
            joinRecorder(recorder);
            if (bar != null) {
                tick(bar);
                bar.close();
            }
        }
        if (failure != null) {
            throw new ReplayException("trial " + trial + " stopped: " + failure.getMessage(), failure);
        }
        synchronized (this) {
            return pool.trial(meter, windowTokens);
        }
    }

    private void awaitEnd() {
        try {
            over.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new ReplayException("interrupted", e));
        }
    }

    private boolean isOver() {
        return over.getCount() == 0;
    }

    /** Sends lane {@code lane}'s next request (an agent's, or a subagent's) at {@code wake} on the run's clock. */
    private void schedule(int lane, double wake) {
        long due = clock.nanoTime(wake);
        long delay = due - System.nanoTime();
        try {
            if (delay <= 0) send(lane, due);
            else timer.schedule(() -> send(lane, due), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            if (!isOver()) throw e; // the trial ended meanwhile: the agent has nothing more to send
        }
    }

    /**
     * Takes the agent's turn from the pool and hands it to the endpoint, which sends it from a thread of its own: under
     * the trial's lock, so a request is either sent and in {@link #inFlight} before the trial ends, or not sent.
     */
    private void send(int lane, long dueNanos) {
        try {
            Sent sent;
            synchronized (this) {
                if (isOver()) return;
                double now = clock.now();
                Optional<TurnRequest> next = pool.send(lane, now);
                if (next.isEmpty()) {
                    finish(now);
                    return;
                }
                TurnRequest request = next.get();
                RequestRecord identity = request.record().build();
                EndpointRequest call = EndpointRequest.of(request.layout(), request.salt(), request.maxTokens())
                        .withAgentId(lane == request.agent() ? Integer.toString(lane) : request.agent() + "/" + lane)
                        .withRequestId(identity.requestId())
                        .withPrimedTokens(request.primedTokens());
                sent = new Sent(request, dueNanos, endpoint.send(call));
                inFlight.put(lane, sent);
            }
            sent.future().whenComplete((result, error) -> completed(lane, sent, result, error));
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void completed(int lane, Sent sent, CompletionResult result, Throwable error) {
        try {
            RequestRecord record;
            List<Due> due = new ArrayList<>(1);
            synchronized (this) {
                if (isOver()) return; // in flight at the trial's end: cutInFlight records it
                inFlight.remove(lane);
                if (error != null) throw new IllegalStateException("the endpoint failed a request it must answer", error);
                record = record(sent.request(), result);
                if (record.ok() && record.cachedTokens() >= 0) {
                    reportsCache = true;
                    warmth.add(record.cachedTokens(), record.inputTokens());
                }
                pool.completed(lane, record, (next, time) -> due.add(new Due(next, time)));
                countWindowTokens(result);
                agentVerdicts.completed(record);
                if (openVerdict != null) openVerdict.completed(record);
            }
            count(sent, result, record);
            if (pool.done(record.endTime())) finish(record.endTime());
            else for (Due d : due) schedule(d.lane(), d.time());
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /**
     * Counts {@code r}'s output tokens by when their chunks arrived against the window (the chunks after the trial's
     * end fall after the window too); under this trial's lock.
     */
    private void countWindowTokens(CompletionResult r) {
        pool.openWhenKnown(windowTokens);
        long[] chunks = r.chunkNanos();
        double[] times = new double[chunks.length];
        for (int i = 0; i < chunks.length; i++) times[i] = clock.seconds(chunks[i]);
        windowTokens.add(times, r.outputTokens());
    }

    private void count(Sent sent, CompletionResult result, RequestRecord record) {
        lag.record(result.sendNanos() - sent.dueNanos(), record.measured());
        if (record.ok()) completed.incrementAndGet();
        else failed.incrementAndGet();
    }

    /**
     * Whether the target's prefix cache is warm, by the simulator's rule ({@link CacheWarmth}) when the endpoint
     * reports cached tokens; an endpoint that does not report them cannot be judged and counts as warm. Called by
     * the pool under this trial's lock.
     */
    private boolean warm() {
        return !reportsCache || warmth.getAsBoolean();
    }

    /** The record of one request, on the run's clock. */
    private RequestRecord record(TurnRequest request, CompletionResult r) {
        RequestRecord.Builder b = timed(request, r, r.chunkNanos())
                .tokenTimes(time(r.firstTokenNanos()), time(r.lastTokenNanos()))
                .endTime(clock.seconds(r.endNanos()))
                .tokens(r.inputTokens(), r.cachedTokens(), r.outputTokens());
        if (!r.ok()) b.failed(r.status(), r.detail());
        return b.build();
    }

    /**
     * The record of a request the trial's end cut off: what it had received by {@link #endTime} (later chunks, a
     * later response, are not counted), ending then. A measured request that had its first token by then is
     * {@link RequestRecord#CUT_AT_GRACE}, judged on what it received; any other is {@link RequestRecord#CUT_AT_END}.
     */
    private RequestRecord cutRecord(TurnRequest request, CompletionResult r, long endNanos) {
        long[] chunks = r.chunkNanos();
        int kept = 0;
        while (kept < chunks.length && chunks[kept] <= endNanos) kept++;
        chunks = Arrays.copyOf(chunks, kept);
        double sent = clock.seconds(Math.min(r.sendNanos(), endNanos));
        String detail = String.format(Locale.ROOT, "in flight when trial %d ended, %.1f s after its window closed%s "
                        + "(%d output chunks received) [POST %s, agent %d, session %s, turn %d, request %s]",
                trial, endTime - pool.windowEnd(), !endReason.isEmpty() ? endReason
                        : endTime >= pool.windowEnd() + coolDownGraceSeconds
                        ? String.format(Locale.ROOT, ": the cool-down grace of %.1f s ran out", coolDownGraceSeconds) : "",
                kept, endpoint.url(), request.agent(), request.turn().sessionId(), request.turn().turn(),
                request.record().build().requestId());
        return timed(request, r, chunks)
                .sendTime(sent)
                .writtenTime(r.writtenNanos() <= endNanos ? time(r.writtenNanos()) : Double.NaN)
                .firstByteTime(r.firstByteNanos() <= endNanos ? time(r.firstByteNanos()) : Double.NaN)
                .tokenTimes(kept == 0 ? Double.NaN : clock.seconds(chunks[0]),
                        kept == 0 ? Double.NaN : clock.seconds(chunks[kept - 1]))
                .endTime(Math.max(sent, endTime))
                .tokens(r.inputTokens(), r.usageReported() ? r.cachedTokens() : -1, kept)
                .failed(cutStatus(request, kept), detail)
                .build();
    }

    /**
     * A cut request's status: {@link RequestRecord#CUT_AT_VERDICT} when the trial stopped at its verdict (as in
     * virtual time), else {@link RequestRecord#CUT_AT_GRACE} for a measured request that had its first token, else
     * {@link RequestRecord#CUT_AT_END}.
     */
    private String cutStatus(TurnRequest request, int chunks) {
        if (pool.isCutAtVerdict()) return RequestRecord.CUT_AT_VERDICT;
        return request.phase() == RequestRecord.Phase.MEASURED && chunks > 0 ? RequestRecord.CUT_AT_GRACE
                : RequestRecord.CUT_AT_END;
    }

    /** A record builder with the request's identity, send, upload and first-byte times and the gaps of {@code chunks}. */
    private RequestRecord.Builder timed(TurnRequest request, CompletionResult r, long[] chunks) {
        float[] gaps = new float[Math.max(0, chunks.length - 1)];
        for (int i = 1; i < chunks.length; i++) gaps[i - 1] = (float) ((chunks[i] - chunks[i - 1]) / 1e9);
        return request.record()
                .sendTime(clock.seconds(r.sendNanos()))
                .writtenTime(time(r.writtenNanos()))
                .firstByteTime(time(r.firstByteNanos()))
                .interTokenLatencies(gaps);
    }

    private double time(long nanos) {
        return nanos == NOT_REACHED ? Double.NaN : clock.seconds(nanos);
    }

    private void tick(TrialProgress bar) {
        double now = clock.now();
        if (pool.done(now)) finish(now);
        else endIfSettled();
        if (bar != null) {
            double windowEnd = pool.windowEnd();
            bar.show(startTime, windowEnd - plan.measurementSeconds(), plan.measurementSeconds(), now,
                    completed.get(), failed.get(), inFlight.size(), lag.p99Millis());
        }
    }

    /**
     * Ends the trial now if its cool-down is {@link #settled}: the time is read and the trial ended under the trial's
     * lock, so no completion lands between the decision and the end (one that did would end after the trial).
     */
    private synchronized void endIfSettled() {
        double now = clock.now();
        if (settled(now)) finish(now);
    }

    /**
     * Whether the cool-down can end at {@code now}, looked at once a second after the window: when the trial's verdict
     * on every open tier is certainly a failure ({@link VerdictWatch}); when every measured request in flight is
     * settled, that is, its agent certainly fails every tier (nothing the request does can change that), or it has
     * streamed {@link RealTimeDriver#SPEED_SAMPLE_TOKENS} output chunks, enough to judge its speed to within 0.5% (the
     * grace's own sample, docs/design.md "Bounded cool-down"); or when the trial's verdict on every tier it is judged
     * by is certain, pass or fail, whatever the requests in flight go on to do. Then the cut judges those on what they
     * received, which keeps a certainly failing agent failing and cannot bring a certainly passing tier under its
     * share, so every tier's verdict is the one the whole cool-down would give; what it saves is the wait for slow
     * answers whose agents no longer matter to any verdict, the whole grace when a starved client sent them late.
     * Warm-up requests still in flight hold no verdict: their agents, judged without a measured request, fail
     * whatever they do. A request's wait counts from its own send ({@link Endpoint.Progress#sendNanos()}), as its
     * TTFT does.
     */
    private synchronized boolean settled(double now) {
        double windowEnd = pool.windowEnd();
        if (isOver() || !agentVerdicts.due(now, windowEnd)) return false;
        if (openVerdict != null) openVerdict.due(now, windowEnd);
        Map<Sent, Endpoint.Progress> progress = new IdentityHashMap<>();
        for (Sent s : inFlight.values()) {
            Endpoint.Progress p = endpoint.progress(s.future());
            progress.put(s, p);
            double sent = time(p.sendNanos()), first = time(p.firstTokenNanos());
            agentVerdicts.inFlight(s.request(), sent, first, p.outputChunks());
            if (openVerdict != null) openVerdict.inFlight(s.request(), sent, first, p.outputChunks());
            if (s.future().isDone()) {
                agentVerdicts.ended(s.request());
                if (openVerdict != null) openVerdict.ended(s.request());
            }
        }
        boolean verdictCertain = agentVerdicts.certain(now, windowEnd);
        if (openVerdict != null && openVerdict.certain(now, windowEnd)) {
            pool.cutAtVerdict();
            endReason = ": its verdict on every open tier was certain";
            return true;
        }
        if (everyMeasuredSettled(progress)) {
            pool.coolDownEndedBy(TrialMetrics.CoolDownEnded.SETTLED);
            endReason = ": every measured request in flight was settled";
            return true;
        }
        if (verdictCertain) {
            pool.coolDownEndedBy(TrialMetrics.CoolDownEnded.VERDICT_CERTAIN);
            endReason = ": its verdict on every tier was certain";
            return true;
        }
        return false;
    }

    /**
     * Whether each measured request in flight has its agent certainly failing every tier or has streamed its speed
     * sample ({@link #settled}).
     */
    private boolean everyMeasuredSettled(Map<Sent, Endpoint.Progress> progress) {
        for (Map.Entry<Sent, Endpoint.Progress> e : progress.entrySet()) {
            TurnRequest r = e.getKey().request();
            if (r.phase() == RequestRecord.Phase.MEASURED && !agentVerdicts.failsEveryTier(r.agent())
                    && e.getValue().outputChunks() < Math.min(RealTimeDriver.SPEED_SAMPLE_TOKENS, r.maxTokens())) {
                return false;
            }
        }
        return true;
    }

    /** Ends the trial at {@code time} on the run's clock: no more sends, no more completions. */
    private void finish(double time) {
        synchronized (this) {
            if (isOver()) return;
            endTime = time;
            over.countDown();
        }
    }

    /**
     * Stops every request in flight at the trial's end and, unless the trial failed, records each: cut
     * ({@link #cutRecord}) with what it had received by the end, or as it ended when it had ended by then (its
     * completion raced the end).
     */
    private void cutInFlight() {
        Map<Integer, Sent> cut = new TreeMap<>(inFlight);
        for (Sent s : cut.values()) endpoint.stop(s.future(), "trial " + trial + " ended");
        long endNanos = clock.nanoTime(endTime);
        for (Sent s : cut.values()) {
            CompletionResult r = stopped(s.future());
            if (failure != null) continue;
            if (r == null) {
                fail(new IllegalStateException("request " + s.request().record().build().requestId()
                        + " did not let go of its call within " + STOP_WAIT_SECONDS + " s of being stopped"));
                continue;
            }
            RequestRecord record = r.endNanos() <= endNanos ? record(s.request(), r) : cutRecord(s.request(), r, endNanos);
            pool.completed(s.request().lane(), record, AgentPool.Wakes.NONE);
            synchronized (this) {
                countWindowTokens(r);
            }
            count(s, r, record);
        }
    }

    /** The result of a stopped request, or null when it did not come. */
    private static CompletionResult stopped(CompletableFuture<CompletionResult> future) {
        try {
            return future.get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void fail(Throwable e) {
        if (failure == null) failure = e;
        finish(clock.now());
    }

    /** The recorder thread: hands records to the sink in completion order until the end marker. */
    private void drainToSink() {
        try {
            for (RequestRecord r = recorded.take(); r != END; r = recorded.take()) {
                try {
                    sink.accept(r);
                } catch (RuntimeException e) {
                    fail(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinRecorder(Thread recorder) {
        try {
            recorder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
