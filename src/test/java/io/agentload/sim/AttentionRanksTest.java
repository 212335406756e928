package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attention data-parallel ranks: each schedules its own requests, and the worker steps as its slowest rank. */
class AttentionRanksTest {

    private static EngineConfig deepseek(String layout) {
        return EngineConfig.of(SystemProfile.named("h200x8"), ModelProfile.named("deepseek-v3"),
                EngineConfig.Deployment.parse(layout));
    }

    /** Balanced ranks cost what one load of their sum costs; all the work on one rank costs more. */
    @Test
    void aStepLastsAsLongAsItsSlowestRank() {
        CostModel cost = new CostModel(deepseek("unified=1x(tp8,ep8,dp8)"));
        CostModel.Load sum = cost.newLoad();
        List<CostModel.Load> balanced = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            CostModel.Load l = cost.newLoad();
            l.add(16_000, 1024, false);
            sum.add(16_000, 1024, false);
            balanced.add(l);
        }
        assertEquals(cost.estimate(sum).seconds(), cost.estimate(balanced).seconds(), 1e-9);

        CostModel.Load spread = cost.newLoad();
        spread.add(16_000, 1024, false);
        CostModel.Load oneRank = cost.newLoad();
        oneRank.add(16_000, 1024, false);
        List<CostModel.Load> skewed = new ArrayList<>(Collections.nCopies(7, cost.newLoad()));
        skewed.add(oneRank);
        double alone = cost.estimate(skewed).seconds();
        assertTrue(alone > 3 * cost.estimate(spread).seconds(),
                "a prefill on one rank's GPU, the other seven waiting: " + alone + " s");
    }

    /**
     * A long prompt on a data-parallel attention worker prefills on the one rank that holds its KV cache, at that
     * rank's share of the token budget (SGLang divides --chunked-prefill-size by dp_size), while tensor-parallel
     * attention spreads it over all eight GPUs; meanwhile the other ranks' decodes wait for it at every step.
     */
    @Test
    void aLongPromptPrefillsOnOneRankAndHoldsTheOthers() {
        double dataParallel = firstTokenOfLongPrompt(deepseek("unified=1x(tp8,ep8,dp8)"));
        double tensorParallel = firstTokenOfLongPrompt(deepseek("unified=1x(tp8,ep8,dp1)"));
        assertTrue(dataParallel > 3 * tensorParallel, dataParallel + " s against " + tensorParallel + " s");
    }

    /** Seconds from submitting a 32K-token prompt to its first token, while seven short requests decode. */
    private static double firstTokenOfLongPrompt(EngineConfig c) {
        Engine engine = Engine.create(c);
        double[] first = new double[1];
        Engine.Listener listener = new Engine.Listener() {
            @Override
            public void tokens(Engine.Request r, int count, double time) {
                if (r.id().equals("long") && first[0] == 0) first[0] = time;
            }
        };
        for (int i = 0; i < 7; i++) engine.submit(new Engine.Request("short" + i, 1000, new long[0], 400), 0);
        double t = 0;
        for (int s = 0; s < 20; s++) t = engine.step(t, listener).end();
        engine.submit(new Engine.Request("long", 32_000, new long[0], 10), t);
        engine.drain(t, listener);
        return first[0] - t;
    }

    /** Each rank holds its share of the worker's KV blocks, and requests are routed to ranks. */
    @Test
    void ranksShareTheWorkersBlocks() {
        EngineConfig c = deepseek("unified=1x(tp8,ep8,dp8)");
        Engine engine = Engine.create(c);
        assertEquals(c.kvBlocksPerReplica() / 8 * 8, engine.counters().kvBlocksTotal());
        for (int i = 0; i < 8; i++) engine.submit(new Engine.Request("r" + i, 1000, new long[0], 10), 0);
        Engine.Step step = engine.step(0, Engine.Listener.NONE);
        assertEquals(8, step.busyReplicas(), "every rank runs one request, all stepping together");
    }
}
