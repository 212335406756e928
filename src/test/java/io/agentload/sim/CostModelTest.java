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
        // The rest of the layer: its weights and KV at 80% of HBM bandwidth; half the layers read the whole
        // 1000-token context, the other half their 128-token window.
        double kv = 2048.0 * (18 * 1000 + 18 * 128) + 73728;
        double rest = (m.nonExpertParameters() * 2 + kv) / (4.8e12 * 0.8);
        // The experts, their own kernels: the token touches 4 of 128, each computes the smallest tile, 8 rows (H200
        // runs the FP4 experts at its FP8 rate, at the grouped GEMMs' 45%); their weights stream at 60% of HBM, and
        // the token's 4 routed copies move 8 x hidden + 12 x intermediate bytes per layer at 17% of it.
        double perExpert = m.routedExpertParameters() / 128;
        double intermediate = perExpert / (36 * 3.0 * 2880);
        assertEquals(2880, intermediate, 20);
        double expertCompute = 2 * perExpert * 4 * 8 / (1979e12 * 0.45);
        double expertMemory = perExpert * 4 * (4.25 / 8) / (4.8e12 * 0.6)
                + 4 * 36 * (8.0 * 2880 + 12 * intermediate) / (4.8e12 * 0.17);
        assertTrue(expertMemory > expertCompute, "one token's experts are memory-bound");
        assertEquals(rest + expertMemory + 0.003, model.estimate(load).seconds(), 1e-12);
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
        double rate = 8 * 1979e12 * 0.55;
        double attention = 4.0 * m.attentionWidth() * 61 * (8192.0 * 8192 / 2) / (8 * 989e12 * 0.55);
        double compute = 2 * m.nonExpertParameters() * 8192 / rate + attention;
        // The busiest GPU's 32 experts all receive tokens, 411 each on average, computed as 4 tiles of 128 rows
        // (the largest tile; the next power of two, 512, is past it).
        double hot = 8192 * (1 + excess);
        double touched = 32 * (1 - Math.pow(1 - 8.0 / 256, hot));
        assertEquals(411, hot * 8 / 256, 1);
        double perExpert = m.routedExpertParameters() / 256;
        double expertCompute = 2 * perExpert * touched * 4 * 128 / (1979e12 * 0.45);
        // Their weights at 60% of HBM bandwidth; each routed copy's activations at 17%: at this prefill, the busier.
        double copyBytes = 61 * (8.0 * 7168 + 12 * perExpert / (61 * 3.0 * 7168));
        double expertMemory = perExpert * touched / (4.8e12 * 0.6) + hot * 8 / 8 * copyBytes / (4.8e12 * 0.17);
        assertTrue(expertMemory > expertCompute);
        // Expert-parallel collectives reach 80% of NVLink (DeepEP's figures).
        double collectives = 61 * (2.0 * 7 / 8 * 8192 * 7168 * 2 / (450e9 * 0.8) + 2 * 10e-6);
        assertEquals(compute + expertMemory + collectives + 0.003, model.estimate(load).seconds(), 1e-9);

        // Every GPU holds all weights but the routed experts (attention's 187M per layer, the dense and shared-expert
        // layers, the embedding) and the LM head in BF16, so KV room shrinks.
        assertEquals(61 * 187.2e6, m.attentionParameters(), 0.1e9);
        assertEquals(m.weightBytes() + 7 * m.nonExpertParameters() + 8 * m.lmHeadParameters(), c.weightBytesPerReplica(), 1e3);
        assertEquals(0, EngineConfig.Efficiency.DEFAULT.expertImbalance(1, 256));
        assertEquals(1.564, EngineConfig.Efficiency.DEFAULT.expertImbalance(32, 256), 1e-12);
    }

    /**
     * Expert parallelism wider than the experts per token, over a rack's NVLink, moves tokens by all-to-all (TensorRT-LLM's
     * and DeepEP's rule): each GPU sends its tokens' k routed copies in the experts' format (FP8 with a scale per 128
     * values) and receives them back in BF16, the busiest GPU 1 + imbalance times the mean, at 80% of NVLink, after
     * the 18 + 31 µs a dispatch and a combine of a few tokens take.
     */
    @Test
    void wideExpertParallelismOnARackMovesTokensByAllToAll() {
        SystemProfile rack = SystemProfile.named("gb200-nvl72");
        ModelProfile v3 = ModelProfile.named("deepseek-v3");
        CostModel wide = new CostModel(EngineConfig.of(rack, v3, EngineConfig.Deployment.parse("unified=1x(tp48,ep48,dp48)")));
        double excess = EngineConfig.Efficiency.DEFAULT.expertImbalance(48, 256);
        double perLayer = (1 + excess) * 4800 / 48 * 8 * 7168 * (1 + 4.0 / 128 + 2);
        // At EP48 the kernels reach less of NVLink than at EP8 (tech blog 18: 741 GB/s at EP8, 610 at EP64).
        double scaling = 1 - (1 - 610.0 / 741) * (Math.log(6) / Math.log(2)) / 3;
        assertEquals(0.848, scaling, 0.001);
        assertEquals(scaling, CostModel.allToAllScaling(48), 1e-12);
        assertEquals(1, CostModel.allToAllScaling(8), 1e-12);
        assertEquals(610.0 / 741, CostModel.allToAllScaling(72), 1e-12);
        assertEquals(61 * (perLayer / (900e9 * 0.8 * scaling) + 18e-6 + 31e-6), wide.collectives(4800), 1e-12);
        double allGather = 2.0 * 47 / 48 * 4800 * 7168 * 2;
        assertTrue(allGather > 2 * perLayer, "an all-gather of every token moves more, even against the busiest GPU");

        // TensorRT-LLM's measured kernels (tech blog 18, EP8, BF16, 2,048 tokens per rank: 311.8 + 322.6 µs; one token:
        // 18.9 + 31.0 µs) against the same terms, within 11%.
        double bf16 = 2048 * 8 * 7168 * 2.0;
        assertEquals(634.4e-6, 2 * bf16 / (900e9 * 0.8) + CostModel.ALL_TO_ALL_SECONDS, 0.11 * 634.4e-6);
        assertEquals(49.9e-6, 2 * bf16 / 2048 / (900e9 * 0.8) + CostModel.ALL_TO_ALL_SECONDS, 0.02 * 49.9e-6);

        // At EP8 with eight experts per token, and on an HGX node at any width, the all-gather and reduce-scatter stay.
        CostModel ep8 = new CostModel(EngineConfig.of(rack, v3, EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp8)")));
        assertEquals(61 * (2.0 * 7 / 8 * 4800 * 7168 * 2 / (900e9 * 0.8) + 2 * 10e-6), ep8.collectives(4800), 1e-12);
        EngineConfig hgx = EngineConfig.of(SystemProfile.named("h200x8"), ModelProfile.named("gpt-oss-120b"),
                EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp8)"));
        int layers = hgx.model().layers();
        int hidden = hgx.model().hiddenSize();
        assertEquals(layers * (2.0 * 7 / 8 * 4800 * hidden * 2 / (450e9 * 0.8) + 2 * 10e-6),
                new CostModel(hgx).collectives(4800), 1e-12);
    }

    /** Expert tiles: the next power of two of an expert's tokens, from 8 to 128 rows, as TensorRT-LLM picks them. */
    @Test
    void expertTilesFollowTheTokensPerExpert() {
        EngineConfig c = EngineConfig.of("h200x8", "gpt-oss-120b").withTensorParallel(1);
        CostModel model = new CostModel(c);
        double perExpert = c.model().routedExpertParameters() / 128;
        double rate = 1979e12 * 0.45;
        // 512 tokens x 4 of 128 experts: 16 per expert, every expert touched (all but 128 x 0.97^512 of them).
        double touched = 128 * (1 - Math.pow(1 - 4.0 / 128, 512));
        double rows = 512 * 4.0 / 128 / (touched / 128);
        assertEquals(16, rows, 0.01);
        assertEquals(2 * perExpert * touched * 16 * Math.ceil(rows / 16) / rate, model.experts(512).compute(), 1e-12);
        // 4,096 tokens: 128 per expert, one 128-row tile; 4,200 tokens: 131, two tiles.
        assertEquals(2 * perExpert * 128 * 128 / rate, model.experts(4096).compute(), 1e-9);
        assertEquals(2 * perExpert * 128 * 256 / rate, model.experts(4200).compute(), 1e-9);
    }

    /** A MoE engine keeps its MoE workspace out of the KV cache: every routed copy of a step's tokens, in BF16. */
    @Test
    void moeWorkspaceIsReservedPerGpu() {
        EngineConfig dense = EngineConfig.of("h200x8", "llama-3.1-70b");
        EngineConfig moe = EngineConfig.of("h200x8", "deepseek-v3");
        double activations = 4.0 * 8192 * 7168 * 2;
        double intermediate = moe.model().routedExpertParameters() / (256 * 61 * 3.0 * 7168);
        double workspace = 8192.0 * 8 * 2 * (2 * 7168 + 3 * intermediate);
        assertEquals(EngineConfig.FIXED_RESERVE_BYTES + activations + workspace, moe.activationReserveBytes(), 1);
        assertEquals(0, EngineConfig.moeWorkspaceBytes(dense.model(), 8192));
    }

    /** W4A4 matrix products on a GPU with native FP4 reach 30% of its FP4 rate; on one without, its FP8 rate at the MFU. */
    @Test
    void fp4MatricesReachTheirMeasuredShareOfTheDatasheet() {
        ModelProfile fp4 = ModelProfile.named("llama-3.1-70b").withWeightPrecision(Precision.FP4);
        CostModel b200 = new CostModel(EngineConfig.of(SystemProfile.named("b200x8"), fp4).withTensorParallel(1));
        CostModel.Load load = b200.newLoad();
        load.add(0, 4096, false);
        double compute = 2 * 70.55e9 * 4096 / (9000e12 * 0.3) + 4.0 * 8192 * 80 * (4096.0 * 4096 / 2) / (2250e12 * 0.55);
        assertEquals(compute + 0.003, b200.estimate(load).seconds(), 1e-12);
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
