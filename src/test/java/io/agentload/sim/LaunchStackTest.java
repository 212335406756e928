package io.agentload.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaunchStackTest {

    private static final ModelProfile V4 = ModelProfile.named("deepseek-v4-pro");
    private static final EngineConfig.Deployment DP8 = EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp8)");

    @Test
    void deepSeekV4OnHopperServesWithoutAPrefixCacheAndWeightOnlyExperts() {
        SystemProfile h200 = SystemProfile.named("h200x8");
        assertFalse(EngineConfig.of(h200, V4, DP8).prefixCaching());
        assertTrue(LaunchStack.weightOnlyFp4Experts(h200.gpu(), V4));
        // Blackwell and MI355X have FP4 tensor cores and V4 engines that keep sessions' prefixes.
        for (String system : new String[] {"b300x8", "gb300-nvl72", "mi355x8"}) {
            SystemProfile s = SystemProfile.named(system);
            assertTrue(EngineConfig.of(s, V4, DP8).prefixCaching(), system);
            assertFalse(LaunchStack.weightOnlyFp4Experts(s.gpu(), V4), system);
        }
        // Other models on Hopper keep both: TensorRT-LLM serves them there, gpt-oss's FP4 experts as W4A8.
        assertTrue(EngineConfig.of("h200x8", "deepseek-v3").prefixCaching());
        assertTrue(EngineConfig.of("h200x8", "gpt-oss-120b").prefixCaching());
        assertFalse(LaunchStack.weightOnlyFp4Experts(h200.gpu(), ModelProfile.named("gpt-oss-120b")));
    }

    /** A prefill-sized step's routed experts on an H200 run at the BF16 rate: twice the FP8 rate's time. */
    @Test
    void weightOnlyExpertsComputeAtTheBf16Rate() {
        SystemProfile h200 = SystemProfile.named("h200x8");
        CostModel hopper = new CostModel(EngineConfig.of(h200, V4, DP8));
        // The same GPU figures with an FP4 unit of the FP8 rate: V4's engines there would run W4A8 at the FP8 rate.
        SystemProfile.Gpu g = h200.gpu();
        SystemProfile.Gpu fp8Rate = new SystemProfile.Gpu(g.name() + "-fp4", g.hbmBytes(), g.hbmBytesPerSecond(),
                g.bf16Flops(), g.fp8Flops(), g.fp8Flops() * EngineConfig.Efficiency.DEFAULT.mfu()
                / EngineConfig.Efficiency.DEFAULT.fp4Mfu(), g.scaleUpBytesPerSecond(), g.tdpWatts(), g.idleWatts(),
                g.source());
        SystemProfile other = new SystemProfile(h200.name() + "-fp4", fp8Rate, h200.gpus(), h200.scaleUpDomain(),
                h200.scaleOutBytesPerSecondPerGpu(), h200.maxWatts(), h200.boundary(), h200.source());
        CostModel w4a8 = new CostModel(EngineConfig.of(other, V4, DP8));
        assertEquals(2 * g.fp8Flops() / g.bf16Flops(), 2 * hopper.experts(65_536).compute() / w4a8.experts(65_536).compute(),
                1e-9);
    }

    /**
     * The mechanism behind the H200's launch figure: without a prefix cache every turn of a session prefills its whole
     * context, so its time to first token grows with the context; with one, a turn prefills only what is new.
     */
    @Test
    void withoutAPrefixCacheEveryTurnsFirstTokenGrowsWithItsContext() {
        EngineConfig hopper = EngineConfig.of(SystemProfile.named("h200x8"), V4, DP8);
        double[] cold = turns(hopper);
        double[] cached = turns(hopper.withPrefixCaching(true));
        for (int i = 1; i < cold.length; i++) {
            assertTrue(cold[i] > 1.1 * cold[i - 1], "turn " + i + ": " + cold[i] + " s after " + cold[i - 1]);
            assertTrue(cached[i] < cold[i] / 4, "turn " + i + ": " + cached[i] + " s cached, " + cold[i] + " s cold");
        }
    }

    /** Time to first token of four turns of one session, from 32K tokens of context, each adding 4K, one at a time. */
    private static double[] turns(EngineConfig c) {
        Engine engine = Engine.create(c);
        EngineTest.Recorder rec = new EngineTest.Recorder();
        double[] ttft = new double[4];
        double now = 0;
        for (int i = 0; i < ttft.length; i++) {
            int tokens = 32_768 + i * 4_096;
            long[] hashes = new long[tokens / KvBlocks.BLOCK_TOKENS];
            for (int b = 0; b < hashes.length; b++) hashes[b] = 31L * b + 7;
            Engine.Request r = new Engine.Request("t" + i, tokens, hashes, 1, "session");
            double sent = now;
            engine.submit(r, sent);
            now = engine.drain(sent, rec);
            ttft[i] = rec.firstToken(r) - sent;
        }
        return ttft;
    }
}
