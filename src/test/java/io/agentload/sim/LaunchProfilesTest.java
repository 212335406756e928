package io.agentload.sim;

import io.agentload.sim.ModelProfile.AttentionLayers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The systems and models of AA-AgentPerf's launch chart, pinned to their datasheets and config.json files. */
class LaunchProfilesTest {

    @Test
    void b300x8IsAnHgxB300FromItsDatasheets() {
        SystemProfile s = SystemProfile.named("b300x8");
        SystemProfile.Gpu g = s.gpu();
        assertEquals("b300", g.name());
        assertEquals(8, s.gpus());
        assertEquals(8, s.scaleUpDomain());
        assertEquals(288e9, g.hbmBytes(), 0.01e9);
        assertEquals(8e12, g.hbmBytesPerSecond());
        // HGX B300 per 8 GPUs: 108 PFLOPS dense FP4, 72 FP8 and 36 BF16 sparse.
        assertEquals(108e15 / 8, g.flops(Precision.FP4));
        assertEquals(72e15 / 8 / 2, g.flops(Precision.FP8));
        assertEquals(36e15 / 8 / 2, g.flops(Precision.BF16));
        assertEquals(900e9, g.scaleUpBytesPerSecond());
        assertEquals(1100, g.tdpWatts());
        assertEquals(14500, s.maxWatts());
        assertEquals(100e9, s.scaleOutBytesPerSecondPerGpu());
        assertEquals("node", s.boundary());
        assertTrue(g.flops(Precision.FP4) < SystemProfile.named("gb300-nvl72").gpu().flops(Precision.FP4),
                "the 1100 W HGX part runs FP4 below the 1400 W GB300's 15 PFLOPS");
    }

    private static final double GIB = 1L << 30;
    private static final int MILLION = 1 << 20;

    @Test
    void deepseekV4ProIsBuiltFromItsConfig() {
        ModelProfile m = ModelProfile.named("deepseek-v4-pro");
        assertEquals(61, m.layers());
        assertEquals(7168, m.hiddenSize());
        assertEquals(1.6e12, m.totalParameters());
        assertEquals(49e9, m.activeParameters());
        assertEquals(384, m.experts());
        assertEquals(6, m.expertsPerToken());
        assertEquals(Precision.FP8, m.weightPrecision());
        assertEquals(Precision.FP4, m.expertPrecision());
        assertEquals(1_048_576, m.maxContextTokens());
        assertEquals(128 * 512, m.attentionWidth());
        assertTrue(m.compressedAttention());
        // compress_ratios: 128, 128, then 4 and 128 alternating: 30 layers at 4x with the indexer, 31 at 128x.
        assertEquals(List.of(AttentionLayers.compressedSparse(30, 128, 4, 1024, 64, 128),
                AttentionLayers.compressedDense(31, 128, 128)), m.attention());
        // Routed experts: (1.6T - 49B) x 384 / 378 against the published 384 x 61 x 3 x 7168 x 3072 weights.
        assertEquals(384.0 * 61 * 3 * 7168 * 3072, m.routedExpertParameters(), 0.03 * m.routedExpertParameters());
        // FP4 experts and FP8 rest: about the 865 GB the checkpoint weighs.
        assertEquals(865e9, m.weightBytes(), 0.01 * 865e9);
    }

    @Test
    void deepseekV4ProKvIsWhatItsCacheLayoutTakesAndMatchesVllmsAccounting() {
        ModelProfile m = ModelProfile.named("deepseek-v4-pro");
        // One 512-value entry (BF16: 1024 bytes) per 4 tokens in 30 layers with a 128-value indexer key beside it,
        // one per 128 tokens in 31 layers: 30 x (1024 + 256) / 4 + 31 x 1024 / 128 bytes per token of context.
        assertEquals(30 * 1280 / 4 + 31 * 1024 / 128, m.kvBytesPerToken());
        assertEquals(9848, m.kvBytesPerContextToken());
        assertEquals(1024, m.kvEntryBytes());
        assertEquals(256, m.indexerKeyBytes());
        // A 128-token window of 1024-byte entries in each of the 61 layers.
        assertEquals(61 * 128 * 1024, m.kvWindowBytes());
        // vLLM's DeepSeek V4 blog: about 9.62 GiB per 1M-token sequence in BF16.
        double perSequence = MILLION * m.kvBytesPerContextToken() + m.kvWindowBytes();
        assertEquals(9.62, perSequence / GIB, 0.01);
        // DeepSeek-V3's MLA at the same context: 61 x 576 x 2 bytes per token, about 7x more.
        double v3 = MILLION * (double) ModelProfile.named("deepseek-v3").kvBytesPerToken();
        assertEquals(7.0, v3 / perSequence, 0.2);
        // FP8 halves every entry.
        ModelProfile fp8 = m.withKvPrecision(Precision.FP8);
        assertEquals(9848 / 2, fp8.kvBytesPerToken());
        assertEquals(512, fp8.kvEntryBytes());
        assertEquals(128, fp8.indexerKeyBytes());
        assertEquals(m.attention(), fp8.attention());
    }

    @Test
    void deepseekV4FlashIsBuiltFromItsConfig() {
        ModelProfile m = ModelProfile.named("deepseek-v4-flash");
        assertEquals(43, m.layers());
        assertEquals(4096, m.hiddenSize());
        assertEquals(284e9, m.totalParameters());
        assertEquals(13e9, m.activeParameters());
        assertEquals(256, m.experts());
        assertEquals(6, m.expertsPerToken());
        assertEquals(1_048_576, m.maxContextTokens());
        // compress_ratios 0, 0, 4, then 128 and 4 alternating.
        assertEquals(List.of(AttentionLayers.slidingWindow(2, 128), AttentionLayers.compressedSparse(21, 128, 4, 512, 64, 128),
                AttentionLayers.compressedDense(20, 128, 128)), m.attention());
        assertEquals(21 * 1280 / 4 + 20 * 1024 / 128, m.kvBytesPerToken());
        // The 6.72 GiB per 1M-token sequence in BF16 that the same accounting gives for Flash.
        assertEquals(6.72, (MILLION * m.kvBytesPerContextToken() + m.kvWindowBytes()) / GIB, 0.01);
    }

    @Test
    void gptOss120bMatchesItsConfig() {
        // huggingface.co/openai/gpt-oss-120b config.json: num_hidden_layers 36, hidden_size 2880, num_attention_heads
        // 64, num_key_value_heads 8, head_dim 64, num_local_experts 128, experts_per_token 4, sliding_window 128 in
        // the "sliding_attention" half of layer_types, max_position_embeddings 131072.
        ModelProfile m = ModelProfile.named("gpt-oss-120b");
        assertEquals(36, m.layers());
        assertEquals(2880, m.hiddenSize());
        assertEquals(64 * 64, m.attentionWidth());
        assertEquals(128, m.experts());
        assertEquals(4, m.expertsPerToken());
        assertEquals(131_072, m.maxContextTokens());
        assertEquals(List.of(AttentionLayers.full(18), AttentionLayers.slidingWindow(18, 128)), m.attention());
        assertFalse(m.compressedAttention());
        // 2 (K and V) x 8 KV heads x 64 x 2 bytes = 2,048 bytes per layer: 36 layers as if all kept every token,
        // 18 that do (the full-attention ones) growing with the context, 18 windows of 128 tokens.
        assertEquals(36 * 2048, m.kvBytesPerToken());
        assertEquals(18 * 2048, m.kvBytesPerContextToken());
        assertEquals(18 * 128 * 2048, m.kvWindowBytes());
        assertEquals(116.83e9, m.totalParameters());
        assertEquals(5.13e9, m.activeParameters());
    }

    @Test
    void aDecodeStepChargesEachAttentionKindItsReadsAndFlops() {
        ModelProfile m = ModelProfile.named("deepseek-v4-pro");
        AttentionCost cost = new AttentionCost(m);
        CostModel.Load l = cost.newLoad();
        assertEquals(4096, l.threshold(), "the top 1,024 of one entry per 4 tokens fill at 4,096 tokens");
        int c = 100_000;
        l.add(c, 1, true);
        // Read: every layer's window, the top 1,024 entries in 30 sparse layers, every 128x entry in 31 layers,
        // and the indexer's key of every 4x entry in the 30 sparse layers; written: the token's share and window.
        double entries = 61 * 128 + 30 * 1024 + 31 * (double) c / 128;
        double keys = 30 * (double) c / 4;
        double written = 9848 + 61 * 1024;
        assertEquals(entries * 1024 + keys * 256 + written, cost.kvBytes(l), 1e-6);
        // FLOPs: 4 x 65,536 per query-entry pair (the token's own pair as half, as for every kind), and the indexer's
        // 64 heads of 128 scoring each 4x entry.
        double pairs = 61 * 128 + 30 * 1024 + 31 * (c + 0.5) / 128;
        double flops = 4.0 * 65536 * pairs + 2.0 * 64 * 128 * 30 * (c + 0.5) / 4;
        assertEquals(flops, cost.flops(l), 1e-3 * flops / 1e12);

        // Below 4,096 tokens of context the sparse layers read every compressed entry they have.
        CostModel.Load shortLoad = cost.newLoad();
        shortLoad.add(2000, 1, true);
        double shortEntries = 61 * 128 + 30 * 500 + 31 * 2000.0 / 128;
        assertEquals(shortEntries * 1024 + 30 * 500 * 256 + written, cost.kvBytes(shortLoad), 1e-6);
    }

    @Test
    void lockstepSumsOfCompressedDecodesEqualAddingThemOneByOne() {
        CostModel.Load one = new AttentionCost(ModelProfile.named("deepseek-v4-pro")).newLoad();
        CostModel.Load all = new AttentionCost(ModelProfile.named("deepseek-v4-pro")).newLoad();
        Random random = new Random(7);
        long offsets = 0, belowOffsets = 0;
        int below = 0, count = 500;
        for (int i = 0; i < count; i++) {
            int c = random.nextInt(3) == 0 ? random.nextInt(one.threshold()) : random.nextInt(200_000);
            one.add(c, 1, true);
            offsets += c;
            if (c < all.threshold()) {
                below++;
                belowOffsets += c;
            }
        }
        all.addDecodes(count, offsets, below, belowOffsets);
        assertEquals(List.of(one.tokens, one.decodeSequences), List.of(all.tokens, all.decodeSequences));
        assertEquals(List.of(one.pairsFull, one.pairsWindow, one.contextFull, one.contextWindow, one.sparsePairsCapped,
                one.sparsePairsBelow, one.sparseReadsCapped, one.sparseReadsBelow),
                List.of(all.pairsFull, all.pairsWindow, all.contextFull, all.contextWindow, all.sparsePairsCapped,
                        all.sparsePairsBelow, all.sparseReadsCapped, all.sparseReadsBelow));
    }

    @Test
    void kvCapacityCountsTheCompressedBytesPerTokenAndEachSequencesWindows() {
        EngineConfig c = EngineConfig.of(SystemProfile.named("b300x8"), ModelProfile.named("deepseek-v4-flash"));
        double bytes = c.tensorParallel() * (c.memoryUtilisation() * c.system().gpu().hbmBytes()
                - c.activationReserveBytes()) - c.weightBytesPerReplica();
        assertEquals((long) Math.floor(bytes / (16 * 6880.0)), c.kvBlocksPerReplica());
        // 43 windows of 128 + 16 tokens of 1024 bytes, in blocks of 16 tokens x 6,880 bytes.
        assertEquals((int) Math.ceil(43 * 144 * 1024 / (16 * 6880.0)), Replica.windowBlocks(c.model()));
    }

    @Test
    void fp4OnHopperRunsAtTheFp8RateFromWeightsReadAtFourBits() {
        for (String name : new String[] {"h100x8", "h200x8"}) {
            SystemProfile.Gpu g = SystemProfile.named(name).gpu();
            assertEquals(0, g.fp4Flops(), name + " has no FP4 tensor cores");
            assertEquals(1979e12, g.flops(Precision.FP4), name);
            assertEquals(g.flops(Precision.FP8), g.flops(Precision.FP4), name);
        }
        assertEquals(4.25 / 8, Precision.FP4.bytes(), "MXFP4 weights are read at 4.25 bits whatever the GPU");
    }
}
