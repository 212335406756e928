package io.agentload.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Step time arithmetic against values computed by hand from the formulas of docs/simulator.md, "The model, step by
 * step".
 */
class CostModelTest {

    private static final EngineConfig H100_70B = EngineConfig.of("h100x8", "llama-3.1-70b").withTensorParallel(4); // MFU 0.55, MBU 0.8

    @Test
    void decodeStepOf32SequencesOnH100Llama70b() {
        CostModel model = new CostModel(H100_70B);
        CostModel.Load load = model.newLoad();
        for (int i = 0; i < 32; i++) load.add(4096, 1, true);
        CostModel.StepCost step = model.estimate(load);

        double compute = 2 * 70.55e9 * 32 / (4 * 989e12 * 0.55)
                + 4.0 * 8192 * 80 * 32 * (4096 + 0.5) / (4 * 989e12 * 0.55);
        double memory = (70.55e9 * 2 + 32 * 4096 * 327680.0 + 32 * 327680.0) / (4 * 3.35e12 * 0.8);
        double allReduce = 2 * 80 * (2.0 * 3 / 4 * 32 * 8192 * 2 / 450e9 + 10e-6);
        assertTrue(memory > compute, "decode is memory-bound");
        double expected = memory + allReduce + 0.003;
        assertEquals(0.022050, expected, 1e-6);
        assertEquals(expected, step.seconds(), 1e-12);
        double activity = 0.7 * memory / expected;
        assertEquals(activity, step.activity(), 1e-12);
        assertEquals(140 + (700 - 140) * activity, step.gpuWatts(), 1e-9);
    }

    @Test
    void fullPrefillChunkIsComputeBound() {
        CostModel model = new CostModel(H100_70B);
        CostModel.Load load = model.newLoad();
        load.add(0, 8192, false);
        CostModel.StepCost step = model.estimate(load);

        double rate = 4 * 989e12 * 0.55;
        double compute = 2 * 70.55e9 * 8192 / rate + 4.0 * 8192 * 80 * (8192.0 * 8192 / 2) / rate;
        double memory = (70.55e9 * 2 + 8192 * 327680.0) / (4 * 3.35e12 * 0.8);
        double allReduce = 2 * 80 * (2.0 * 3 / 4 * 8192 * 8192 * 2 / 450e9 + 10e-6);
        assertTrue(compute > memory);
        assertEquals(compute + allReduce + 0.003, step.seconds(), 1e-12);
        assertEquals(Math.min(1, compute / step.seconds()), step.activity(), 1e-12);
    }

    @Test
    void moeStepTouchesOnlyTheExpertsItsTokensUse() {
        EngineConfig c = EngineConfig.of("h200x8", "gpt-oss-120b").withTensorParallel(1);
        CostModel model = new CostModel(c);
        ModelProfile m = c.model();
        CostModel.Load load = model.newLoad();
        load.add(1000, 1, true);
        double touched = 1 - Math.pow(1 - 4.0 / 128, 1);
        // Experts are read by grouped GEMMs at 60% of HBM bandwidth, the rest at 80%; one GPU has no imbalance.
        double weights = m.nonExpertParameters() * 2 / (4.8e12 * 0.8) + m.routedExpertParameters() * touched * (4.25 / 8) / (4.8e12 * 0.6);
        // Half the layers read the whole 1000-token context, the other half their 128-token window.
        double kv = 2048.0 * (18 * 1000 + 18 * 128) + 73728;
        double memory = weights + kv / (4.8e12 * 0.8);
        assertEquals(memory + 0.003, model.estimate(load).seconds(), 1e-12);
    }

    @Test
    void expertParallelStepPaysForTheBusiestGpuReplicatedAttentionAndOneCollectivePerLayer() {
        EngineConfig c = EngineConfig.of("h200x8", "deepseek-v3").withTensorParallel(8);
        assertTrue(c.expertParallel());
        ModelProfile m = c.model();
        CostModel model = new CostModel(c);
        CostModel.Load load = model.newLoad();
        load.add(0, 8192, false);
        // 8 GPUs of 32 experts: 1.564 x sqrt(8 / 32) x sqrt(ln 8 / ln 32) more tokens than the mean on the busiest.
        double excess = 1.564 * Math.sqrt(8.0 / 32) * Math.sqrt(Math.log(8) / Math.log(32));
        assertEquals(excess, c.efficiency().expertImbalance(8, 256), 1e-12);
        assertEquals(0.606, excess, 0.001);
        double routedActive = m.routedExpertParameters() * 8 / 256;
        double rate = 8 * 1979e12 * 0.55;
        double attention = 4.0 * m.attentionWidth() * 61 * (8192.0 * 8192 / 2) / (8 * 989e12 * 0.55);
        double compute = 2 * m.nonExpertParameters() * 8192 / rate + 2 * routedActive * 8192 * (1 + excess) / rate + attention;
        double collectives = 61 * (2.0 * 7 / 8 * 8192 * 7168 * 2 / 450e9 + 2 * 10e-6);
        assertEquals(compute + collectives + 0.003, model.estimate(load).seconds(), 1e-9);

        // Every GPU holds all attention weights: 187M per layer (DeepSeek-V3's projections), so KV room shrinks.
        assertEquals(61 * 187.2e6, m.attentionParameters(), 0.1e9);
        assertEquals(m.weightBytes() + 7 * m.attentionParameters(), c.weightBytesPerReplica(), 1);
        assertEquals(0, EngineConfig.Efficiency.DEFAULT.expertImbalance(1, 256));
        assertEquals(1.564, EngineConfig.Efficiency.DEFAULT.expertImbalance(32, 256), 1e-12);
    }

    @Test
    void speculativeDecodingAddsDraftPasses() {
        EngineConfig c = H100_70B.withSpeculation(3, 0.7);
        CostModel plain = new CostModel(H100_70B);
        CostModel spec = new CostModel(c);
        CostModel.Load verify = spec.newLoad();
        CostModel.Load one = plain.newLoad();
        verify.add(2000, 4, true);
        one.add(2000, 1, true);
        double draftPass = 70.55e9 * 2 / (4 * 3.35e12 * 0.8);
        double extraKv = 3 * 327680.0 / (4 * 3.35e12 * 0.8);
        double extraAllReduce = 2 * 80 * (2.0 * 3 / 4 * 3 * 8192 * 2 / 450e9);
        assertEquals(plain.estimate(one).seconds() + 3 * 0.05 * draftPass + extraKv + extraAllReduce,
                spec.estimate(verify).seconds(), 1e-12);
        assertEquals((1 - Math.pow(0.7, 4)) / 0.3, c.speculation().tokensPerStep(), 1e-12);
    }
}
