package io.agentload.replay;

import io.agentload.endpoint.CompletionResult;
import io.agentload.endpoint.Endpoint;
import io.agentload.endpoint.EndpointRequest;
import io.agentload.internal.MonotonicClock;
import io.agentload.trajectory.Session;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * the endpoint reports {@code cached_tokens}, its prefix cache is warm ({@link CacheWarmth}).
 *
 * <p>Every send's lag behind its agent's due time is recorded ({@link SendLagRecorder}). A tick every 100 ms ends the
 * trial once the pool says it is over (also when the maximum warm-up passes with no completion at all) and draws the
 * progress bar. At the end, cool-down requests still in flight are cancelled and their results dropped, as the pool
 * prescribes, so that they load neither the next trial nor its records.
 */
final class RealTimeTrial {

    private static final long TICK_NANOS = 100_000_000L;
    /** Marks the end of the records: the recorder stops when it takes this very object. */
    private static final RequestRecord END = RequestRecord.builder().build();

    private final int trial;
    private final Endpoint endpoint;
    private final AgentPool pool;
    private final MonotonicClock clock;
    private final TrialPlan plan;
    private final SendLagRecorder lag;
    private final Consumer<RequestRecord> sink;
    private final ScheduledThreadPoolExecutor timer;
    private final LinkedBlockingQueue<RequestRecord> recorded = new LinkedBlockingQueue<>();
    private final Map<Integer, CompletableFuture<CompletionResult>> inFlight = new ConcurrentHashMap<>();
    private final CountDownLatch over = new CountDownLatch(1);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final double startTime;
    private final CacheWarmth warmth;
    private boolean reportsCache;
    private volatile Throwable failure;

    RealTimeTrial(int trial, int agents, Endpoint endpoint, List<Session> sessions,
                  TrialPlan plan, MonotonicClock clock, SendLagRecorder lag, Consumer<RequestRecord> sink) {
        this.trial = trial;
        this.endpoint = endpoint;
        this.clock = clock;
        this.plan = plan;
        this.lag = lag;
        this.sink = sink;
        this.startTime = clock.now();
        this.warmth = new CacheWarmth(agents);
        this.pool = new AgentPool(sessions, plan, trial, agents, startTime, this::warm, recorded::add);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon()
                .name("agentload-replay-timer").unstarted(r));
        timer.setRemoveOnCancelPolicy(true);
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
            finish();
            timer.shutdownNow();
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
        return pool.trial(meter);
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

    /** Sends agent {@code agent}'s next request at {@code wake} on the run's clock. */
    private void schedule(int agent, double wake) {
        long due = clock.nanoTime(wake);
        long delay = due - System.nanoTime();
        try {
            if (delay <= 0) send(agent, due);
            else timer.schedule(() -> send(agent, due), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            if (!isOver()) throw e; // the trial ended meanwhile: the agent has nothing more to send
        }
    }

    private void send(int agent, long dueNanos) {
        if (isOver()) return;
        try {
            Optional<TurnRequest> next = pool.send(agent, clock.now());
            if (next.isEmpty()) {
                finish();
                return;
            }
            TurnRequest request = next.get();
            RequestRecord identity = request.record().build();
            EndpointRequest call = EndpointRequest.of(request.layout(), request.salt(), request.maxTokens())
                    .withAgentId(Integer.toString(agent))
                    .withRequestId(identity.requestId());
            CompletableFuture<CompletionResult> future = endpoint.send(call);
            inFlight.put(agent, future);
            if (isOver()) future.cancel(true);
            future.whenComplete((result, error) -> completed(agent, request, dueNanos, future, result, error));
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void completed(int agent, TurnRequest request, long dueNanos, CompletableFuture<CompletionResult> future,
                           CompletionResult result, Throwable error) {
        inFlight.remove(agent, future);
        if (isOver()) return; // a cool-down request cut at the trial's end: dropped
        try {
            if (error != null) throw new IllegalStateException("the endpoint failed a request it must answer", error);
            RequestRecord record = record(request, result);
            double wake;
            synchronized (this) {
                if (isOver()) return;
                if (record.ok() && record.cachedTokens() >= 0) {
                    reportsCache = true;
                    warmth.add(record.cachedTokens(), record.inputTokens());
                }
                wake = pool.completed(record);
            }
            lag.record(result.sendNanos() - dueNanos, record.measured());
            if (record.ok()) completed.incrementAndGet();
            else failed.incrementAndGet();
            if (pool.done(record.endTime())) finish();
            else schedule(agent, wake);
        } catch (RuntimeException e) {
            fail(e);
        }
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
        long[] chunks = r.chunkNanos();
        float[] gaps = new float[Math.max(0, chunks.length - 1)];
        for (int i = 1; i < chunks.length; i++) gaps[i - 1] = (float) ((chunks[i] - chunks[i - 1]) / 1e9);
        RequestRecord.Builder b = request.record()
                .sendTime(clock.seconds(r.sendNanos()))
                .writtenTime(time(r.writtenNanos()))
                .firstByteTime(time(r.firstByteNanos()))
                .tokenTimes(time(r.firstTokenNanos()), time(r.lastTokenNanos()))
                .endTime(clock.seconds(r.endNanos()))
                .tokens(r.inputTokens(), r.cachedTokens(), r.outputTokens())
                .interTokenLatencies(gaps);
        if (!r.ok()) b.failed(r.status(), r.detail());
        return b.build();
    }

    private double time(long nanos) {
        return nanos == NOT_REACHED ? Double.NaN : clock.seconds(nanos);
    }

    private void tick(TrialProgress bar) {
        double now = clock.now();
        if (pool.done(now)) finish();
        if (bar != null) {
            double windowEnd = pool.windowEnd();
            bar.show(startTime, windowEnd - plan.measurementSeconds(), plan.measurementSeconds(), now,
                    completed.get(), failed.get(), inFlight.size(), lag.p99Millis());
        }
    }

    /** Ends the trial: no more sends, no more records; requests still in flight are cancelled. */
    private void finish() {
        synchronized (this) {
            if (isOver()) return;
            over.countDown();
        }
        for (CompletableFuture<CompletionResult> f : inFlight.values()) f.cancel(true);
    }

    private void fail(Throwable e) {
        if (failure == null) failure = e;
        finish();
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
