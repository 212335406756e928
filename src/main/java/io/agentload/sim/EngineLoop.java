package io.agentload.sim;

import io.agentload.internal.MonotonicClock;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The one thread that owns an {@link Engine} and runs it in real time. Engine time is seconds on the server's
 * {@link MonotonicClock}. It sleeps until the earliest step or KV transfer ends (parked until a millisecond before,
 * then yielding and spinning, so it wakes within microseconds), completes it at its exact simulated time so the run
 * follows the virtual-time schedule, and hands each request the step's tokens as one event. A request submitted or
 * cancelled wakes it at once and enters the engine at the current time. Steps that fall behind (a long GC pause) are
 * completed one by one, each publishing its own events.
 */
final class EngineLoop implements AutoCloseable {
    private static final long PARK_MARGIN_NANOS = 1_000_000;
    private static final long SPIN_NANOS = 50_000;

    private final Engine engine;
    private final MonotonicClock clock;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Generation> submitted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Generation> cancelled = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private volatile Throwable failure;

    // Engine thread only.
    private final Map<Engine.Request, Generation> live = new IdentityHashMap<>();
    private final List<Generation> touched = new ArrayList<>();
    private double engineTime;
    private double next = Double.POSITIVE_INFINITY;
    private final Engine.Listener listener = new Engine.Listener() {
        @Override
        public void tokens(Engine.Request request, int count, double time) {
            touch(live.get(request)).tokens(count, time);
        }

        @Override
        public void finished(Engine.Request request, Engine.Usage usage, double time) {
            touch(live.remove(request)).finished(usage, time);
        }
    };

    EngineLoop(Engine engine, MonotonicClock clock) {
        this.engine = engine;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("agentload-engine").daemon().priority(Thread.MAX_PRIORITY).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Any thread: queues a request for the engine (abandoned at once if the loop has stopped). */
    void submit(Generation g) {
        submitted.add(g);
        LockSupport.unpark(thread);
        if (!running) abandonQueued();
    }

    /** Any thread: takes a request out of the engine, freeing its KV cache; a no-op once it finished. */
    void cancel(Generation g) {
        cancelled.add(g);
        LockSupport.unpark(thread);
    }

    /**
     * Any thread: runs {@code f} on the engine thread between steps and returns its result (once the thread has
     * stopped, on the caller's thread: nothing else touches the engine then).
     */
    <T> T call(Function<Engine, T> f) {
        CompletableFuture<T> result = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                result.complete(f.apply(engine));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        LockSupport.unpark(thread);
        while (true) {
            if (thread.getState() == Thread.State.TERMINATED) runTasks();
            try {
                return result.get(1, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Not yet run: look again.
            } catch (ExecutionException e) {
                throw (RuntimeException) e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the engine thread", e);
            }
        }
    }

    /** What stopped the engine thread when it failed, else null. */
    Throwable failure() {
        return failure;
    }

    /** Stops the thread; every request still in the engine is abandoned. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (running) {
                if (next <= clock.now()) {
                    advance(next);
                } else if (incoming()) {
                    double now = Math.max(clock.now(), engineTime);
                    takeIncoming(now);
                    advance(now);
                } else {
                    await(next);
                }
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            running = false;
            for (Generation g : live.values()) g.abandon();
            live.clear();
            abandonQueued();
            runTasks();
        }
    }

    /**
     * Completes what is due by {@code t} (events at their own times), starts idle replicas, publishes the events:
     * first tokens first, since the handlers wake in about the order they are published and TTFT is what a client
     * measures most closely.
     */
    private void advance(double t) {
        Engine.Step step = engine.step(t, listener);
        engineTime = t;
        for (Generation g : touched) if (!g.started) publish(g);
        for (Generation g : touched) if (g.touched) publish(g);
        touched.clear();
        next = step.end();
    }

    private static void publish(Generation g) {
        g.publish();
        g.touched = false;
    }

    private Generation touch(Generation g) {
        if (!g.touched) {
            g.touched = true;
            touched.add(g);
        }
        return g;
    }

    private boolean incoming() {
        return !submitted.isEmpty() || !cancelled.isEmpty() || !tasks.isEmpty();
    }

    /** Submissions before cancellations, so a request cancelled right after its submission never runs. */
    private void takeIncoming(double now) {
        for (Generation g = submitted.poll(); g != null; g = submitted.poll()) {
            if (g.abandoned()) continue;
            live.put(g.request, g);
            if (g.primedTokens > 0) engine.submitPrimed(g.request, now, g.primedTokens);
            else engine.submit(g.request, now);
        }
        for (Generation g = cancelled.poll(); g != null; g = cancelled.poll()) {
            if (live.remove(g.request) != null) engine.cancel(g.request);
        }
        runTasks();
    }

    private void runTasks() {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) task.run();
    }

    private void abandonQueued() {
        for (Generation g = submitted.poll(); g != null; g = submitted.poll()) g.abandon();
    }

    /** Sleeps until engine time {@code due} or until something comes in. */
    private void await(double due) {
        if (due == Double.POSITIVE_INFINITY) {
            LockSupport.park(this);
            return;
        }
        long dueNanos = clock.nanoTime(due);
        while (running && !incoming()) {
            long left = dueNanos - System.nanoTime();
            if (left <= 0) return;
            if (left > PARK_MARGIN_NANOS) LockSupport.parkNanos(this, left - PARK_MARGIN_NANOS);
            else if (left > SPIN_NANOS) Thread.yield();
            else Thread.onSpinWait();
        }
    }
}
