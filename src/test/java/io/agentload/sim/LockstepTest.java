package io.agentload.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lockstep decoding (a {@link Engine.BulkListener}) against the per-sequence path (a plain listener, the reference)
 * on random closed-loop workloads: every token time, finish, preemption, step and counter must be identical.
 */
class LockstepTest {

    /** What one run saw, per request and in order; each entry's text is compared whole. */
    private static final class Log {
        final Map<String, StringBuilder> requests = new LinkedHashMap<>();
        final List<String> finishes = new ArrayList<>();
        final List<String> steps = new ArrayList<>();
        int bulkCalls;

        StringBuilder of(Engine.Request r) {
            return requests.computeIfAbsent(r.id(), k -> new StringBuilder());
        }
    }

    private static class Plain implements Engine.Listener {
        final Log log;
        final Driver driver;

        Plain(Log log, Driver driver) {
            this.log = log;
            this.driver = driver;
        }

        @Override
        public void tokens(Engine.Request r, int count, double time) {
            log.of(r).append(" t").append(count).append('@').append(time);
        }

        @Override
        public void finished(Engine.Request r, Engine.Usage u, double time) {
            log.of(r).append(" end@").append(time).append(' ').append(u);
            log.finishes.add(r.id() + "@" + time);
            driver.finished(r, time);
        }

        @Override
        public void preempted(Engine.Request r, double time) {
            log.of(r).append(" preempted@").append(time);
        }
    }

    private static final class Bulk extends Plain implements Engine.BulkListener {
        Bulk(Log log, Driver driver) {
            super(log, driver);
        }

        @Override
        public void tokens(Engine.Request r, double[] times, int from, int to) {
            log.bulkCalls++;
            for (int i = from; i < to; i++) tokens(r, 1, times[i]);
        }
    }

    /**
     * Clients that each send a turn, wait a random think time after it finishes and send the next, whose prompt is
     * the last prompt and output plus new tokens (a shared system prompt first), until {@code horizon}.
     */
    private static final class Driver {
        record Wake(double time, long seq, int client) {}

        final SplittableRandom random;
        final int meanOutput;
        final int meanNew;
        final int systemPrompt;
        final boolean cancels;
        final List<String> cancelled = new ArrayList<>();
        final double horizon;
        final PriorityQueue<Wake> wakes = new PriorityQueue<>((a, b) -> a.time != b.time
                ? Double.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
        final Map<Engine.Request, Integer> clientOf = new LinkedHashMap<>();
        final int[] context;
        final long[] session;
        final int[] turn;
        long seq;

        Driver(long seed, Case workload) {
            random = new SplittableRandom(seed);
            meanOutput = workload.meanOutput;
            meanNew = workload.meanNew;
            systemPrompt = workload.systemPrompt;
            cancels = workload.cancels;
            horizon = workload.horizon;
            int clients = workload.clients;
            context = new int[clients];
            session = new long[clients];
            turn = new int[clients];
            for (int c = 0; c < clients; c++) {
                session[c] = random.nextLong();
                wakes.add(new Wake(random.nextDouble() * 5, seq++, c));
            }
        }

        void finished(Engine.Request r, double time) {
            int c = clientOf.remove(r);
            context[c] = r.promptTokens() + r.outputTokens();
            if (random.nextInt(8) == 0) {
                session[c] = random.nextLong();
                context[c] = 0;
            }
            wakes.add(new Wake(time + random.nextDouble() * 3, seq++, c));
        }

        Engine.Request next(int c) {
            int prompt = context[c] + (context[c] == 0 ? systemPrompt : 0) + 1 + random.nextInt(2 * meanNew);
            int output = 1 + random.nextInt(2 * meanOutput);
            long[] chain = new long[(prompt + output) / KvBlocks.BLOCK_TOKENS];
            for (int i = 0; i < chain.length; i++) {
                // A system prompt every session shares comes first.
                chain[i] = i < systemPrompt / KvBlocks.BLOCK_TOKENS ? 1_000_003L * (i + 1) : session[c] * 31 + i * 7919L;
            }
            Engine.Request r = new Engine.Request("c" + c + "t" + turn[c]++, prompt, chain, output);
            clientOf.put(r, c);
            return r;
        }

        /** The client of the oldest request in flight gives up on it and sends its next turn a second later. */
        void cancelOldest(Engine engine, double now) {
            Engine.Request r = clientOf.keySet().iterator().next();
            int c = clientOf.remove(r);
            assertTrue(engine.cancel(r));
            cancelled.add(r.id() + "@" + now);
            wakes.add(new Wake(now + 1, seq++, c));
        }

        Log run(Engine engine, boolean bulk) {
            Log log = new Log();
            Engine.Listener listener = bulk ? new Bulk(log, this) : new Plain(log, this);
            Engine.Listener plain = new Plain(log, this);
            double now = 0;
            Engine.Step step = engine.step(now, listener);
            while (true) {
                double next = Math.min(wakes.isEmpty() ? Double.POSITIVE_INFINITY : wakes.peek().time, step.end());
                if (next == Double.POSITIVE_INFINITY) break;
                now = Math.max(now, next);
                while (!wakes.isEmpty() && wakes.peek().time <= now) {
                    Wake w = wakes.poll();
                    if (now < horizon) engine.submit(next(w.client), now);
                }
                if (cancels && !clientOf.isEmpty() && random.nextInt(10) == 0) cancelOldest(engine, now);
                // Now and then a lockstep run reports early or steps with a plain listener, which dissolves the cohort.
                if (bulk && log.steps.size() % 37 == 0) engine.flushTokens(listener);
                step = engine.step(now, bulk && log.steps.size() % 53 == 0 ? plain : listener);
                log.steps.add(step.toString());
            }
            log.steps.add(engine.counters().toString());
            log.finishes.addAll(cancelled);
            // Lockstep drops a cancelled request's unreported tokens; its other events must still agree.
            for (String id : cancelled) log.requests.remove(id.substring(0, id.indexOf('@')));
            return log;
        }
    }

    record Case(String name, EngineConfig config, int clients, int meanOutput, int meanNew, double horizon,
                int systemPrompt, boolean cancels) {
        Case(String name, EngineConfig config, int clients, int meanOutput, int meanNew, double horizon) {
            this(name, config, clients, meanOutput, meanNew, horizon, 1024, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        EngineConfig h200 = EngineConfig.of("h200x8", "llama-3.1-70b");
        return Stream.of(
                // A quarter of the usual KV cache: blocks run out and the newest sequences are preempted.
                new Case("h200x8 llama-3.1-70b, KV pressure", h200.withMemoryUtilisation(0.45), 160, 400, 2000, 120),
                new Case("h200x8 llama-3.1-70b", h200, 96, 300, 1500, 90),
                new Case("gb300-nvl72 deepseek-v3, 2 replicas", EngineConfig.of("gb300-nvl72", "deepseek-v3").withReplicas(2),
                        200, 300, 1500, 60),
                new Case("disaggregated", h200.withTensorParallel(2).withReplicas(4).withDisaggregation(1, 3), 96, 300, 1500, 90),
                new Case("speculative", h200.withSpeculation(3, 0.7), 64, 300, 1500, 60),
                // Contexts from a few tokens, so that decoding sequences grow past the 128-token window.
                new Case("sliding window (gpt-oss-120b)", EngineConfig.of("h200x8", "gpt-oss-120b"), 128, 100, 60, 60, 0,
                        false),
                new Case("cancels", h200.withMemoryUtilisation(0.45), 128, 400, 2000, 60, 1024, true),
                // Contexts grow past 2,048 tokens, where deepseek-v4-flash's top 512 compressed entries fill up.
                new Case("compressed attention (deepseek-v4-flash)", EngineConfig.of("b300x8", "deepseek-v4-flash"), 96,
                        300, 1500, 60),
                new Case("small budget", h200.withMaxBatchTokens(256), 96, 200, 1000, 60),
                new Case("sequence limit", h200.withMaxRunningSequences(24), 96, 200, 1000, 60),
                new Case("no prefix caching", h200.withPrefixCaching(false), 96, 300, 1500, 60));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lockstepEqualsStepBySequence(Case c) {
        for (long seed = 1; seed <= 2; seed++) {
            Log reference = new Driver(seed, c).run(Engine.create(c.config), false);
            Log lockstep = new Driver(seed, c).run(Engine.create(c.config), true);
            assertTrue(reference.finishes.size() > c.clients, c + ": too few requests " + reference.finishes.size());
            assertEquals(reference.steps.get(reference.steps.size() - 1), lockstep.steps.get(lockstep.steps.size() - 1));
            assertEquals(reference.finishes, lockstep.finishes, c.name);
            assertEquals(reference.steps, lockstep.steps, c.name);
            assertEquals(reference.requests.keySet(), lockstep.requests.keySet());
            for (String id : reference.requests.keySet()) {
                assertEquals(reference.requests.get(id).toString(), lockstep.requests.get(id).toString(), id);
            }
            if (c.config.speculation().draftTokens() == 0) assertTrue(lockstep.bulkCalls > 0, c.name);
        }
    }
}
