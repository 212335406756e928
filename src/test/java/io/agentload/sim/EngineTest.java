package io.agentload.sim;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.agentload.sim.EngineFixtures.cachedOnResendingNewestThenOldest;
import static io.agentload.sim.EngineFixtures.smallCache;
import static io.agentload.sim.EngineFixtures.uniqueHashes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineTest {

    /** Records every event. */
    static final class Recorder implements Engine.Listener {
        final Map<Engine.Request, List<double[]>> tokens = new HashMap<>();
        final Map<Engine.Request, Engine.Usage> usage = new HashMap<>();
        final Map<Engine.Request, Double> finishedAt = new HashMap<>();
        final List<long[]> preemptions = new ArrayList<>(); // prompt, generated at preemption
        final Map<Engine.Request, Integer> generated = new HashMap<>();

        @Override
        public void tokens(Engine.Request r, int count, double time) {
            tokens.computeIfAbsent(r, k -> new ArrayList<>()).add(new double[] {time, count});
            generated.merge(r, count, Integer::sum);
        }

        @Override
        public void finished(Engine.Request r, Engine.Usage u, double time) {
            usage.put(r, u);
            finishedAt.put(r, time);
        }

        @Override
        public void preempted(Engine.Request r, double time) {
            preemptions.add(new long[] {r.promptTokens(), generated.getOrDefault(r, 0)});
        }

        double firstToken(Engine.Request r) {
            return tokens.get(r).get(0)[0];
        }
    }



    @Test
    void aSingleRequestDecodesAtTheCostModelsStepTime() {
        EngineConfig c = EngineConfig.of("h100x8", "llama-3.1-70b").withTensorParallel(4).withReplicas(1);
        Engine engine = Engine.create(c);
        Engine.Request r = new Engine.Request("r", 4096, uniqueHashes(4096, 1), 3);
        engine.submit(r, 0);
        Recorder rec = new Recorder();
        engine.drain(0, rec);
        CostModel cost = new CostModel(c);
        CostModel.Load prefill = cost.newLoad();
        prefill.add(0, 4096, false);
        CostModel.Load decode = cost.newLoad();
        decode.add(4096, 1, true);
        List<double[]> t = rec.tokens.get(r);
        assertEquals(cost.estimate(prefill).seconds(), t.get(0)[0], 1e-12);
        assertEquals(cost.estimate(decode).seconds(), t.get(1)[0] - t.get(0)[0], 1e-12);
        assertEquals(new Engine.Usage(4096, 0, 3), rec.usage.get(r));
    }

    @Test
    void secondTurnHitsExactlyTheReusedFullBlocks() {
        // Turn 1 reuses turn 0's prompt and output (3,000 + 205 = 3,205 tokens): 200 full blocks, 3,200 tokens.
        Session session = new Session("s", "java", List.of(
                new Turn("s", 0, "java", 3000, 0, "sys", 1000, 205, 0, List.of()),
                new Turn("s", 1, "java", 3905, 3205, "sys", 1000, 50, 0, List.of())));
        List<PromptLayout> layouts = PromptLayout.of(session);
        Engine engine = Engine.create(EngineConfig.of("h100x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1));
        Recorder rec = new Recorder();
        Engine.Request first = new Engine.Request("t0", 3000, layouts.get(0).blockHashesWithOutput(16, 9), 205);
        assertEquals(200, first.blockHashes().length); // (3,000 + 205) / 16
        engine.submit(first, 0);
        double t = engine.drain(0, rec);
        Engine.Request second = new Engine.Request("t1", 3905, layouts.get(1).blockHashesWithOutput(16, 9), 50);
        engine.submit(second, t);
        engine.drain(t, rec);
        assertEquals(0, rec.usage.get(first).cachedTokens());
        assertEquals(3200, rec.usage.get(second).cachedTokens());
        assertEquals(3000 + 705, engine.counters().prefilledTokens());

        // Without the output's hashes only the prompt's 187 full blocks are reused.
        Engine promptOnly = Engine.create(EngineConfig.of("h100x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1));
        Engine.Request again = new Engine.Request("t0", 3000, layouts.get(0).blockHashes(16, 9), 205);
        promptOnly.submit(again, 0);
        double t2 = promptOnly.drain(0, rec);
        Engine.Request next = new Engine.Request("t1", 3905, layouts.get(1).blockHashesWithOutput(16, 9), 50);
        promptOnly.submit(next, t2);
        promptOnly.drain(t2, rec);
        assertEquals(187 * 16, rec.usage.get(next).cachedTokens());

        // Another salt (another agent replaying the session) shares only the system prompt's 62 full blocks.
        Engine.Request other = new Engine.Request("t1b", 3905, layouts.get(1).blockHashesWithOutput(16, 10), 50);
        promptOnly.submit(other, promptOnly.counters().time());
        promptOnly.drain(promptOnly.counters().time(), rec);
        assertEquals(62 * 16, rec.usage.get(other).cachedTokens());
    }

    @Test
    void aFullyCachedPromptStillComputesItsLastBlock() {
        Engine engine = Engine.create(EngineConfig.of("h100x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1));
        Recorder rec = new Recorder();
        long[] h = uniqueHashes(1600, 4);
        engine.submit(new Engine.Request("a", 1600, h, 1), 0);
        double t = engine.drain(0, rec);
        Engine.Request b = new Engine.Request("b", 1600, h, 1);
        engine.submit(b, t);
        engine.drain(t, rec);
        assertEquals(1584, rec.usage.get(b).cachedTokens());
    }

    @Test
    void lruKeepsRecentPrefixesAndEvictsOldOnes() {
        // Room for about 3 prompts of 1,600 tokens (100 blocks each): the fourth evicts the first, least recently used.
        Engine engine = Engine.create(smallCache(320));
        Recorder rec = new Recorder();
        double t = 0;
        for (int i = 0; i < 4; i++) {
            engine.submit(new Engine.Request("p" + i, 1600, uniqueHashes(1600, i), 1), t);
            t = engine.drain(t, rec);
        }
        int[] cached = cachedOnResendingNewestThenOldest(engine, rec, t);
        assertEquals(1584, cached[0]);
        assertTrue(cached[1] < 1584, "the oldest prefix was evicted");
        assertTrue(engine.counters().evictions() > 0);
    }

    @Test
    void fullCachePreemptsAndEveryTokenIsConserved() {
        Engine engine = Engine.create(smallCache(300));
        Recorder rec = new Recorder();
        List<Engine.Request> requests = new ArrayList<>();
        long prompts = 0, outputs = 0;
        for (int i = 0; i < 12; i++) {
            Engine.Request r = new Engine.Request("r" + i, 1000 + 37 * i, uniqueHashes(1000 + 37 * i, i), 300 + 11 * i);
            requests.add(r);
            prompts += r.promptTokens();
            outputs += r.outputTokens();
            engine.submit(r, 0);
        }
        engine.drain(0, rec);
        Engine.Counters c = engine.counters();
        assertTrue(c.preemptions() > 0, "a cache of 300 blocks cannot hold 12 growing sequences");
        assertEquals(rec.preemptions.size(), c.preemptions());
        assertEquals(12, c.finishedRequests());
        // Every admission computes or reuses each known token exactly once: the prompt at the first admission,
        // the prompt and the output so far after each preemption.
        long readmitted = rec.preemptions.stream().mapToLong(p -> p[0] + p[1]).sum();
        assertEquals(prompts + readmitted, c.prefilledTokens() + c.cacheHitTokens());
        // Every output token is emitted once.
        assertEquals(outputs, c.outputTokens());
        for (Engine.Request r : requests) assertEquals(r.outputTokens(), rec.generated.get(r));
        assertEquals(0, c.kvBlocksUsed());
    }

    @Test
    void speculativeDecodingEmitsTheExpectedTokensPerStep() {
        EngineConfig c = EngineConfig.of("h100x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1).withSpeculation(3, 0.7);
        Engine engine = Engine.create(c);
        Recorder rec = new Recorder();
        Engine.Request r = new Engine.Request("r", 500, uniqueHashes(500, 1), 101);
        engine.submit(r, 0);
        engine.drain(0, rec);
        List<double[]> t = rec.tokens.get(r);
        double perStep = (1 - Math.pow(0.7, 4)) / 0.3; // 2.533 tokens per verification step
        // 1 token from the prefill, then ceil(100 / 2.533) = 40 verification steps emitting 2 or 3 tokens each.
        assertEquals(41, t.size());
        assertEquals(1, t.get(0)[1]);
        for (int i = 1; i < 40; i++) {
            assertEquals(Math.floor(i * perStep) - Math.floor((i - 1) * perStep), t.get(i)[1], 0.0, "step " + i);
        }
        assertEquals(100 - Math.floor(39 * perStep), t.get(40)[1]);
        assertEquals(101, rec.generated.get(r));
    }

    @Test
    void disaggregationAddsTheKvTransferToTtft() {
        EngineConfig mixed = EngineConfig.of("h100x8", "llama-3.1-70b").withTensorParallel(4).withReplicas(1);
        EngineConfig split = mixed.withDisaggregation(1, 1);
        assertEquals(4 * 450e9, split.disaggregation().transferBytesPerSecond());
        Engine.Request r = new Engine.Request("r", 4000, uniqueHashes(4000, 1), 20);
        Recorder a = new Recorder(), b = new Recorder();
        Engine one = Engine.create(mixed);
        one.submit(r, 0);
        one.drain(0, a);
        Engine two = Engine.create(split);
        two.submit(r, 0);
        double t = two.drain(0, b);
        double transfer = 4000 * 327680.0 / (4 * 450e9);
        assertEquals(a.firstToken(r) + transfer, b.firstToken(r), 1e-12);
        assertEquals(4000 * 327680.0, two.counters().transferredBytes(), 1e-3);

        // The next turn's transfer skips the 250 prompt blocks the decode side already caches.
        long[] longer = uniqueHashes(5000, 1);
        Engine.Request next = new Engine.Request("next", 5000, longer, 5);
        two.submit(next, t);
        two.drain(t, b);
        assertEquals((4000 + 1000) * 327680.0, two.counters().transferredBytes(), 1e-3);
        assertEquals(4000, b.usage.get(next).cachedTokens(), "the prefill side caches the prompt it computed");
    }

    @Test
    void cancellingReleasesKvWhereverTheRequestIs() {
        Engine engine = Engine.create(smallCache(300));
        Recorder rec = new Recorder();
        Engine.Request decoding = new Engine.Request("decoding", 1600, uniqueHashes(1600, 1), 1000);
        Engine.Request queued = new Engine.Request("queued", 1600, uniqueHashes(1600, 2), 1000);
        Engine.Request later = new Engine.Request("later", 1600, uniqueHashes(1600, 3), 5);
        engine.submit(decoding, 0);
        double t = 0;
        while (rec.generated.getOrDefault(decoding, 0) < 3) t = engine.step(t, rec).end();
        engine.submit(queued, t);
        Engine.Step s = engine.step(t, rec);
        assertTrue(engine.counters().kvBlocksUsed() > 200, "both prompts hold blocks");

        // Mid-step: the step in flight keeps its cost, but neither request produces anything after it.
        assertTrue(engine.cancel(decoding));
        assertTrue(engine.cancel(queued));
        assertEquals(0, engine.counters().kvBlocksUsed());
        assertEquals(100, engine.counters().kvBlocksCached(),
                "the computed prompt's full blocks stay cached; the prefill in flight never registered its blocks");
        int emitted = rec.generated.get(decoding);
        engine.submit(later, s.end());
        engine.drain(s.end(), rec);
        assertEquals(emitted, rec.generated.get(decoding));
        assertEquals(null, rec.usage.get(decoding));
        assertEquals(5, rec.generated.get(later));
        assertEquals(new Engine.Usage(1600, 0, 5), rec.usage.get(later));
        assertFalse(engine.cancel(decoding), "already gone");
        assertFalse(engine.cancel(later), "already finished");
        Engine.Counters c = engine.counters();
        assertEquals(2, c.cancelledRequests());
        assertEquals(1, c.finishedRequests());
        assertEquals(0, c.kvBlocksUsed());
    }

    /** Found by the engine's index of requests in flight: a finished request is gone, even inside its callback. */
    @Test
    void aRequestCancelledAsItFinishesIsAlreadyGone() {
        Engine engine = Engine.create(smallCache(300));
        Engine.Request r = new Engine.Request("r", 160, uniqueHashes(160, 1), 3);
        boolean[] cancelled = {true};
        engine.submit(r, 0);
        engine.drain(0, new Engine.Listener() {
            @Override
            public void finished(Engine.Request request, Engine.Usage usage, double time) {
                cancelled[0] = engine.cancel(request);
            }
        });
        assertFalse(cancelled[0]);
        assertEquals(0, engine.counters().cancelledRequests());
        assertEquals(1, engine.counters().finishedRequests());
    }

    /** One request object submitted twice while in flight is two sequences; each cancel drops one. */
    @Test
    void aRequestSubmittedTwiceIsCancelledTwice() {
        Engine engine = Engine.create(smallCache(300));
        Engine.Request r = new Engine.Request("r", 160, uniqueHashes(160, 1), 50);
        engine.submit(r, 0);
        engine.submit(r, 0);
        engine.step(0, Engine.Listener.NONE);
        assertTrue(engine.cancel(r));
        assertTrue(engine.cancel(r));
        assertFalse(engine.cancel(r));
        assertEquals(0, engine.counters().kvBlocksUsed());
        engine.drain(0, Engine.Listener.NONE);
        assertEquals(0, engine.counters().finishedRequests());
        assertEquals(2, engine.counters().cancelledRequests());
    }

    @Test
    void cancellingAQueuedOrTransferringRequestFreesItsPlace() {
        Engine engine = Engine.create(EngineConfig.of("h100x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(2).withDisaggregation(1, 1));
        Recorder rec = new Recorder();
        Engine.Request a = new Engine.Request("a", 8000, uniqueHashes(8000, 1), 4);
        engine.submit(a, 0);
        double t = 0;
        while (engine.counters().transferredBytes() == 0) t = engine.step(t, rec).end();
        assertTrue(engine.counters().kvBlocksUsed() > 0, "the decode side holds blocks for the transfer");
        assertTrue(engine.cancel(a));
        assertEquals(0, engine.counters().kvBlocksUsed());
        engine.drain(t, rec);
        assertEquals(null, rec.tokens.get(a));

        Engine.Request b = new Engine.Request("b", 100, uniqueHashes(100, 2), 4);
        engine.submit(b, t);
        assertTrue(engine.cancel(b), "still waiting in the prefill queue");
        assertTrue(engine.step(t, rec).idle());
        assertEquals(null, rec.tokens.get(b));
    }

    @Test
    void requestsThatCanNeverFitAreRefused() {
        Engine engine = Engine.create(smallCache(100));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.submit(new Engine.Request("huge", 3000, new long[0], 10), 0));
        assertTrue(e.getMessage().contains("huge") && e.getMessage().contains("KV blocks"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> engine.submit(new Engine.Request("long", 131_000, new long[0], 1_000), 0));
        assertTrue(e.getMessage().contains("context"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Engine.Request("bad", 100, new long[7], 1));
        assertTrue(e.getMessage().contains("bad"), e.getMessage());
        engine.step(5, Engine.Listener.NONE);
        assertThrows(IllegalArgumentException.class, () -> engine.step(4, Engine.Listener.NONE));
    }

    @Test
    void aMillionTokenContextFitsOnlyWhereOneReplicasKvCacheHoldsIt() {
        ModelProfile million = ModelProfile.named("llama-3.1-8b").withMaxContextTokens(1 << 20);
        assertEquals(1 << 20, million.maxContextTokens());
        assertEquals("llama-3.1-8b", million.name());
        Engine.Request longest = new Engine.Request("r", 1_040_000, new long[0], 8_576);

        // One H100: ~60 GB of KV at 128 KiB a token holds about 460K tokens, not a million.
        Engine small = Engine.create(EngineConfig.of("h100x8", "llama-3.1-8b").withModel(million)
                .withTensorParallel(1).withReplicas(1));
        int blocks = small.config().kvBlocksPerReplica();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.check(longest));
        assertEquals(String.format("request r: 1,040,000 prompt + 8,576 output = 1,048,576 tokens need 65,536 KV"
                + " blocks of 16 tokens, but one replica's KV cache (llama-3.1-8b on h100x8, TP1) holds %,d blocks, at"
                + " most %,d tokens for one sequence, and a sequence cannot span replicas (vLLM would not start with a"
                + " context longer than its KV cache: give a replica more GPUs or HBM, an FP8 KV cache, or send"
                + " shorter prompts)", blocks, 16L * blocks), e.getMessage());

        // Eight H200s in one replica hold it.
        Engine wide = Engine.create(EngineConfig.of("h200x8", "llama-3.1-8b").withModel(million)
                .withTensorParallel(8).withReplicas(1));
        wide.check(longest);
        e = assertThrows(IllegalArgumentException.class,
                () -> wide.check(new Engine.Request("s", 1_040_000, new long[0], 8_577)));
        assertEquals("request s: 1,040,000 prompt + 8,577 output = 1,048,577 tokens exceed llama-3.1-8b's context of"
                + " 1,048,576 tokens", e.getMessage());
    }

    @Test
    void powerStaysBetweenIdleAndTdpAndEnergyIntegratesIt() {
        EngineConfig c = EngineConfig.of("h200x8", "llama-3.1-8b").withTensorParallel(1);
        Engine engine = Engine.create(c);
        Engine.Step idle = engine.step(0, Engine.Listener.NONE);
        assertTrue(idle.idle());
        assertEquals(8 * 122, idle.gpuWatts(), 1e-9);
        assertEquals(8 * 122 + 0.5 * (10200 - 5600), idle.systemWatts(), 1e-9);
        engine.submit(new Engine.Request("r", 8000, uniqueHashes(8000, 3), 2), 10);
        Engine.Step busy = engine.step(10, Engine.Listener.NONE);
        assertEquals(1, busy.busyReplicas());
        assertTrue(busy.gpuWatts() > 8 * 122 && busy.gpuWatts() < 7 * 122 + 700, "one GPU prefills near TDP");
        Engine.Counters before = engine.counters();
        assertEquals(10 * (8 * 122 + 0.5 * 4600), before.systemEnergyJoules(), 1e-6);
        engine.step(busy.end(), Engine.Listener.NONE);
        double dt = busy.end() - 10;
        assertEquals(before.gpuEnergyJoules() + busy.gpuWatts() * dt, engine.counters().gpuEnergyJoules(), 1e-6);
        assertEquals(before.systemEnergyJoules() + busy.systemWatts() * dt, engine.counters().systemEnergyJoules(), 1e-6);
    }

    @Test
    void h200ServesAtLeastAsFastAsH100() {
        List<Session> sessions = SimLoop.agenticSessions(24, 20, 1);
        SimLoop.Result h100 = SimLoop.run(Engine.create(EngineConfig.of("h100x8", "llama-3.1-70b").withTensorParallel(4)), sessions, 24, 120);
        SimLoop.Result h200 = SimLoop.run(Engine.create(EngineConfig.of("h200x8", "llama-3.1-70b")
                .withTensorParallel(4)), sessions, 24, 120);
        assertTrue(h200.meanTtft() <= h100.meanTtft(), h200.meanTtft() + " vs " + h100.meanTtft());
        assertTrue(h200.meanItl() <= h100.meanItl(), h200.meanItl() + " vs " + h100.meanItl());
        assertTrue(h200.counters().outputTokens() >= h100.counters().outputTokens());
    }

    @Test
    void aBiggerModelIsSlower() {
        List<Session> sessions = SimLoop.agenticSessions(16, 20, 2);
        SimLoop.Result small = SimLoop.run(Engine.create(EngineConfig.of("h200x8", "llama-3.1-8b")), sessions, 16, 120);
        SimLoop.Result big = SimLoop.run(Engine.create(EngineConfig.of("h200x8", "llama-3.1-70b")), sessions, 16, 120);
        assertTrue(big.meanTtft() > small.meanTtft());
        assertTrue(big.meanItl() > 2 * small.meanItl(), big.meanItl() + " vs " + small.meanItl());
    }

    @Test
    void prefixCachingLowersTtftOnMultiTurnTraffic() {
        List<Session> sessions = SimLoop.agenticSessions(32, 20, 3);
        EngineConfig c = EngineConfig.of("h200x8", "llama-3.1-70b");
        SimLoop.Result on = SimLoop.run(Engine.create(c), sessions, 32, 180);
        SimLoop.Result off = SimLoop.run(Engine.create(c.withPrefixCaching(false)), sessions, 32, 180);
        assertTrue(on.counters().cacheHitTokens() > 0.8 * (on.counters().cacheHitTokens() + on.counters().prefilledTokens()),
                "multi-turn traffic reuses most of each prompt");
        assertEquals(0, off.counters().cacheHitTokens());
        assertTrue(on.meanTtft() < 0.5 * off.meanTtft(), on.meanTtft() + " vs " + off.meanTtft());
    }

    @Test
    void theJavadocExampleRuns() {
        Session session = new Session("s", "java", List.of(new Turn("s", 0, "java", 30_000, 0, "sys", 8_000, 200, 0,
                List.of())));
        long[] hashes = PromptLayout.of(session).get(0).blockHashes(16, 42);
        Recorder listener = new Recorder();
        Engine engine = Engine.create(EngineConfig.of("h200x8", "llama-3.1-70b"));
        engine.submit(new Engine.Request("r1", 30_000, hashes, 200), 0.0);
        double idleAt = engine.drain(0.0, listener);
        assertEquals(200, engine.counters().outputTokens());
        assertEquals(idleAt, listener.finishedAt.values().iterator().next(), 0.0);
        assertTrue(idleAt > 1 && idleAt < 10, "a 30K prompt and 200 tokens take seconds: " + idleAt);
    }
}
