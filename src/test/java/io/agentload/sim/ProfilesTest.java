package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfilesTest {

    @Test
    void kvBytesPerTokenFollowTheArchitecture() {
        assertEquals(128 * 1024, ModelProfile.named("llama-3.1-8b").kvBytesPerToken());
        assertEquals(320 * 1024, ModelProfile.named("llama-3.1-70b").kvBytesPerToken());
        // MLA: 61 layers x (512 + 64) values x 2 bytes = 70,272 bytes, about 69 KiB.
        assertEquals(61 * 576 * 2, ModelProfile.named("deepseek-v3").kvBytesPerToken());
        assertEquals(68.6, ModelProfile.named("deepseek-v3").kvBytesPerToken() / 1024.0, 0.05);
        // gpt-oss-120b: 36 layers x 2 x 8 KV heads x 64 x 2 bytes; half the layers keep only a 128-token window.
        ModelProfile oss = ModelProfile.named("gpt-oss-120b");
        assertEquals(72 * 1024, oss.kvBytesPerToken());
        assertEquals(18, oss.fullAttentionLayers());
        assertEquals(9, Replica.windowBlocks(oss));
    }

    @Test
    void moeWeightsSplitIntoRoutedExpertsAndTheRest() {
        ModelProfile ds = ModelProfile.named("deepseek-v3");
        // (671 - 37) x 256 / 248 = 654.5B routed; the published count of routed weights is 256 x 58 x 3 x 7168 x 2048.
        assertEquals(654.45e9, ds.routedExpertParameters(), 0.01e9);
        assertEquals(256.0 * 58 * 3 * 7168 * 2048, ds.routedExpertParameters(), 0.01 * ds.routedExpertParameters());
        assertEquals(671e9, ds.weightBytes(), 1e6);
        ModelProfile oss = ModelProfile.named("gpt-oss-120b");
        // MXFP4 experts (4.25 bits) and BF16 rest: about the 65 GB the checkpoint weighs.
        assertEquals(64.3e9, oss.weightBytes(), 0.1e9);
    }

    @Test
    void everyNamedSystemIsBuiltIn() {
        List<String> names = SystemProfile.all().stream().map(SystemProfile::name).toList();
        assertEquals(List.of("h100x8", "h200x8", "b200x8", "b300x8", "mi300x8", "mi355x8", "gb200-nvl72", "gb300-nvl72"), names);
        SystemProfile h200 = SystemProfile.named("h200x8");
        assertEquals(143771.0 * 1024 * 1024, h200.gpu().hbmBytes());
        assertEquals(4.8e12, h200.gpu().hbmBytesPerSecond());
        assertEquals(10200 - 8 * 700, h200.otherMaxWatts(), 1e-9);
        SystemProfile nvl = SystemProfile.named("gb300-nvl72");
        assertEquals(72, nvl.gpus());
        assertEquals("rack", nvl.boundary());
        assertEquals(15e15, nvl.gpu().flops(Precision.FP4));
    }

    @Test
    void everyBuiltInProfileNamesItsSourceWithoutCsvQuotes() {
        for (SystemProfile s : SystemProfile.all()) {
            assertTrue(s.source().length() > 20 && !s.source().startsWith("\""), s.name() + ": " + s.source());
            assertTrue(s.gpu().source().length() > 20 && !s.gpu().source().endsWith("\""), s.gpu().name());
        }
        assertTrue(SystemProfile.named("h200x8").source().startsWith("NVIDIA DGX H200 datasheet: 10.2 kW"));
        for (ModelProfile m : ModelProfile.all()) assertTrue(m.source().startsWith("huggingface.co/"), m.name());
        ModelProfile fp8 = ModelProfile.named("llama-3.1-70b").withWeightPrecision(Precision.FP8);
        assertEquals(ModelProfile.named("llama-3.1-70b").source(), fp8.source());
        assertEquals("", ModelProfile.builder("mine").parameters(1e9, 1e9).layers(2).hiddenSize(64).gqa(2, 1, 32)
                .maxContextTokens(1024).build().source());
    }

    @Test
    void unsupportedFormatsRunAtTheNextWiderRate() {
        SystemProfile.Gpu h100 = SystemProfile.named("h100x8").gpu();
        assertEquals(h100.fp8Flops(), h100.flops(Precision.FP4));
        assertEquals(1979e12, h100.flops(Precision.FP8));
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SystemProfile.named("h300x8"));
        assertTrue(e.getMessage().contains("h300x8") && e.getMessage().contains("gb200-nvl72"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelProfile.named("llama-4"));
        assertTrue(e.getMessage().contains("deepseek-v3"), e.getMessage());
    }

    @Test
    void aNotebookCanDefineAModel() {
        ModelProfile qwen = ModelProfile.builder("qwen3-235b-a22b").parameters(235e9, 22e9).layers(94).hiddenSize(4096)
                .gqa(64, 4, 128).experts(128, 8).weights(Precision.FP8).maxContextTokens(40_960).build();
        assertEquals(2L * 94 * 4 * 128 * 2, qwen.kvBytesPerToken());
        assertEquals(235e9, qwen.weightBytes(), 1e6);
        ModelProfile fp8Kv = qwen.withKvPrecision(Precision.FP8);
        assertEquals(qwen.kvBytesPerToken() / 2, fp8Kv.kvBytesPerToken());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelProfile.builder("broken").parameters(1e9, 2e9).layers(2).hiddenSize(8).gqa(1, 1, 8)
                        .maxContextTokens(8).build());
        assertTrue(e.getMessage().contains("broken"), e.getMessage());
    }

    @Test
    void defaultsRunOneReplicaPerEightGpuNode() {
        assertEquals(8, EngineConfig.of("h200x8", "llama-3.1-8b").tensorParallel());
        assertEquals(1, EngineConfig.of("h200x8", "llama-3.1-8b").replicas());
        EngineConfig h100 = EngineConfig.of("h100x8", "llama-3.1-70b");
        assertEquals(8, h100.tensorParallel());
        assertEquals(1, h100.replicas());
        assertEquals(8, EngineConfig.of("h200x8", "deepseek-v3").tensorParallel());
        EngineConfig rack = EngineConfig.of("gb300-nvl72", "deepseek-v3");
        assertEquals(8, rack.tensorParallel());
        assertEquals(9, rack.replicas());
        assertTrue(rack.expertParallel());
        assertTrue(EngineConfig.of("h200x8", "llama-3.1-70b").kvBlocksPerReplica()
                > 2 * EngineConfig.of("h200x8", "llama-3.1-70b").withTensorParallel(4).kvBlocksPerReplica(),
                "one TP8 replica holds more KV than two TP4 replicas: the weights are stored once");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineConfig.of("h100x8", "deepseek-v3"));
        assertTrue(e.getMessage().contains("does not fit on h100x8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> h100.withReplicas(3));
    }

    @Test
    void kvCapacityIsHbmLeftAfterWeightsAndReserve() {
        EngineConfig c = EngineConfig.of("h100x8", "llama-3.1-70b").withTensorParallel(4);
        double hbm = 81559.0 * 1024 * 1024;
        double reserve = 2.0 * (1L << 30) + 4.0 * 8192 * 8192 * 2;
        double kvBytes = 4 * (0.9 * hbm - reserve) - 70.55e9 * 2;
        assertEquals((long) Math.floor(kvBytes / (16 * 327680.0)), c.kvBlocksPerReplica());
        assertEquals(29761, c.kvBlocksPerReplica());
    }

    @Test
    void everyDataParallelAttentionRankHoldsAllButTheRoutedExpertsWithTheLmHeadInBf16() {
        // DeepSeek-V3: 16.5B outside the routed experts (MLA, 3 dense layers, 58 shared experts, embedding, LM head),
        // the LM head 129,280 x 7,168 = 0.93B; FP8 weights, the head kept in BF16 on each of the 8 ranks.
        ModelProfile v3 = ModelProfile.named("deepseek-v3");
        assertEquals(129_280 * 7168.0, v3.lmHeadParameters());
        double rank = v3.nonExpertParameters() + v3.lmHeadParameters();
        assertEquals(rank, v3.rankWeightBytes(8), 1);
        assertEquals(v3.nonExpertParameters(), v3.rankWeightBytes(1), 1);
        EngineConfig dp8 = EngineConfig.of(SystemProfile.named("h200x8"), v3,
                EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp8)"));
        assertEquals(v3.routedExpertParameters() + 8 * rank, dp8.weightBytesPerReplica(), 1e3);
        // The implicit MoE layout (data-parallel attention at the full degree) holds the same.
        assertEquals(dp8.weightBytesPerReplica(), EngineConfig.of("h200x8", "deepseek-v3").weightBytesPerReplica(), 1e3);
        // A dense model, or a MoE model on one GPU, holds one copy in the weights' format.
        assertEquals(70.55e9 * 2, EngineConfig.of("h200x8", "llama-3.1-70b").weightBytesPerReplica(), 1e3);
    }

    @Test
    void mlaKvIsCachedWholeOnEveryGpuOfAnAttentionTensorParallelGroup() {
        // MLA's one latent KV head cannot be split by heads: attention split over 8 GPUs (dp1) caches it 8 times.
        ModelProfile v3 = ModelProfile.named("deepseek-v3");
        EngineConfig dp1 = EngineConfig.of(SystemProfile.named("h200x8"), v3,
                EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp1)"));
        double free = 8 * (dp1.memoryUtilisation() * dp1.system().gpu().hbmBytes() - dp1.activationReserveBytes())
                - dp1.weightBytesPerReplica();
        assertEquals((long) Math.floor(free / (8 * 16 * v3.kvBytesPerContextToken())), dp1.kvBlocksPerReplica());
        EngineConfig dp8 = EngineConfig.of(SystemProfile.named("h200x8"), v3,
                EngineConfig.Deployment.parse("unified=1x(tp8,ep8,dp8)"));
        assertTrue(dp1.kvBlocksPerReplica() < dp8.kvBlocksPerReplica(), "data-parallel attention caches each entry once");
        assertEquals(1, ModelProfile.named("deepseek-v4-pro").kvHeads());
        assertEquals(1, ModelProfile.named("deepseek-v4-flash").kvCopies(1));
        assertEquals(4.0, ModelProfile.named("deepseek-v4-flash").kvCopies(4));
        // Grouped-query attention shards its KV heads over up to that many GPUs and repeats them beyond.
        assertEquals(1.0, ModelProfile.named("llama-3.1-70b").kvCopies(8));
        ModelProfile fourKvHeads = ModelProfile.builder("m").parameters(1e9, 1e9).layers(10).hiddenSize(1024)
                .gqa(32, 4, 64).maxContextTokens(8192).build();
        assertEquals(1.0, fourKvHeads.kvCopies(4));
        assertEquals(2.0, fourKvHeads.kvCopies(8));
    }

    @Test
    void withCopiesChangeOneThingEach() {
        EngineConfig c = EngineConfig.of("h200x8", "llama-3.1-70b");
        assertEquals(8, c.withModel(ModelProfile.named("llama-3.1-8b")).tensorParallel());
        assertEquals(1, c.withTensorParallel(2).withModel(ModelProfile.named("llama-3.1-8b")).replicas(),
                "another model goes back to that model's default layout");
        EngineConfig small = c.withMaxBatchTokens(2048);
        assertEquals(2048, small.maxBatchTokens());
        assertEquals(2.0 * (1L << 30) + 4.0 * 2048 * 8192 * 2, small.activationReserveBytes());
        assertTrue(small.kvBlocksPerReplica() > c.kvBlocksPerReplica(), "a smaller budget reserves less");
        EngineConfig.Efficiency e = new EngineConfig.Efficiency(0.5, 0.7, 0.002, 5e-6, 0.5, 0, 0.3, 0.4, 64, 0.2, 0.7);
        assertEquals(e, c.withEfficiency(e).efficiency());
        assertEquals(c.tensorParallel(), c.withEfficiency(e).tensorParallel());
        ModelProfile fp8Kv = ModelProfile.builder("m").parameters(1e9, 1e9).layers(10).hiddenSize(1024).gqa(8, 2, 64)
                .kvCache(Precision.FP8).maxContextTokens(4096).build();
        assertEquals(10L * 2 * 2 * 64, fp8Kv.kvBytesPerToken());
        assertEquals(Precision.FP8, fp8Kv.kvPrecision());
    }
}
