package io.agentload.sim;

import org.junit.jupiter.api.Test;

import static io.agentload.sim.EngineFixtures.cachedOnResendingNewestThenOldest;
import static io.agentload.sim.EngineFixtures.smallCache;
import static io.agentload.sim.EngineFixtures.uniqueHashes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Engine#submitPrimed}: a request whose context a fleet mid-session would hold finds it cached, for free. */
class PrimedCacheTest {



    @Test
    void aPrimedPrefixIsAHitAndCostsNoPrefill() {
        Engine engine = Engine.create(EngineConfig.of("h100x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1));
        EngineTest.Recorder rec = new EngineTest.Recorder();
        Engine.Request r = new Engine.Request("r", 20_000, uniqueHashes(20_000, 1), 10);
        assertEquals(19_200, engine.submitPrimed(r, 0, 19_210), "whole blocks of the primed tokens");
        engine.drain(0, rec);
        assertEquals(19_200, rec.usage.get(r).cachedTokens());
        assertEquals(800, engine.counters().prefilledTokens(), "only the tokens past the primed prefix are computed");
        assertEquals(19_200, engine.counters().cacheHitTokens());

        Engine cold = Engine.create(EngineConfig.of("h100x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1));
        Engine.Request same = new Engine.Request("r", 20_000, uniqueHashes(20_000, 1), 10);
        cold.submit(same, 0);
        cold.drain(0, rec);
        assertEquals(0, rec.usage.get(same).cachedTokens());
        assertTrue(rec.firstToken(same) > rec.firstToken(r), "the cold prefill takes longer");
    }

    @Test
    void aFullyPrimedPromptStillComputesItsLastBlock() {
        Engine engine = Engine.create(EngineConfig.of("h100x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1));
        EngineTest.Recorder rec = new EngineTest.Recorder();
        Engine.Request r = new Engine.Request("r", 1600, uniqueHashes(1600, 2), 1);
        assertEquals(1584, engine.submitPrimed(r, 0, 1600));
        engine.drain(0, rec);
        assertEquals(1584, rec.usage.get(r).cachedTokens());
    }

    @Test
    void primingRespectsCapacityAndTheLruOrder() {
        // Room for about 320 blocks: priming 4 contexts of 100 blocks evicts the least recently used, the first.
        Engine engine = Engine.create(smallCache(320));
        EngineTest.Recorder rec = new EngineTest.Recorder();
        int capacity = (int) engine.counters().kvBlocksTotal();
        assertTrue(capacity >= 300 && capacity < 400, "capacity " + capacity);
        double t = 0;
        for (int i = 0; i < 4; i++) {
            engine.submitPrimed(new Engine.Request("p" + i, 1600, uniqueHashes(1600, i), 1), t, 1600);
            t = engine.drain(t, rec);
        }
        assertTrue(engine.counters().kvBlocksCached() <= capacity);
        int[] cached = cachedOnResendingNewestThenOldest(engine, rec, t);
        assertEquals(1584, cached[0]);
        assertTrue(cached[1] < 1584, "the oldest primed context was evicted");
    }

    @Test
    void withoutPrefixCachingNothingIsPrimed() {
        Engine engine = Engine.create(EngineConfig.of("h100x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1)
                .withPrefixCaching(false));
        EngineTest.Recorder rec = new EngineTest.Recorder();
        Engine.Request r = new Engine.Request("r", 3200, uniqueHashes(3200, 3), 1);
        assertEquals(0, engine.submitPrimed(r, 0, 3200));
        engine.drain(0, rec);
        assertEquals(0, rec.usage.get(r).cachedTokens());
    }
}
