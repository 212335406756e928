package io.agentload.sim;

/**
 * The attention part of a step's cost, by attention kind (docs/simulator.md, "Attention kinds"): the FLOPs of
 * attending (4 x query width per query-key pair) and of the indexer's scoring, and the KV bytes the step reads and
 * writes. Full-attention and sliding-window models keep the original arithmetic; compressed layers (DeepSeek V4) read
 * their window, their compressed entries (all of them, or the top k an indexer picks), and in sparse layers the
 * indexer's key of every compressed entry.
 */
final class AttentionCost {
    private final ModelProfile model;
    private final boolean compressed;
    /** Layers with a window (with compressed attention, every layer). */
    private final int windowLayers;
    /** Sum over heavily compressed layers of 1/ratio: entries read per token of context. */
    private final double denseEntriesPerToken;
    private final int sparseLayers;
    private final int sparseRatio;
    private final int topK;
    private final double indexerFlopsPerEntry;

    AttentionCost(ModelProfile model) {
        this.model = model;
        this.compressed = model.compressedAttention();
        int windows = 0, sparse = 0, ratio = 0, k = 0;
        double dense = 0, indexer = 0;
        for (ModelProfile.AttentionLayers g : model.attention()) {
            if (g.window() > 0) windows += g.layers();
            switch (g.kind()) {
                case COMPRESSED_DENSE -> dense += (double) g.layers() / g.compressRatio();
                case COMPRESSED_SPARSE -> {
                    sparse += g.layers();
                    ratio = g.compressRatio();
                    k = g.topK();
                    // The indexer's query heads each take a dot product with the entry's key (DeepSeek V3.2's
                    // lightning indexer, which V4 keeps).
                    indexer = 2.0 * g.indexerHeads() * g.indexerHeadDim();
                }
                default -> { }
            }
        }
        windowLayers = windows;
        denseEntriesPerToken = dense;
        sparseLayers = sparse;
        sparseRatio = ratio;
        topK = k;
        indexerFlopsPerEntry = indexer;
    }

    /**
     * Blocks a sequence of a compressed-attention model holds for its windows (one block's worth of tokens more
     * than the window, as for sliding-window layers), in units of the blocks its context fills.
     */
    static int windowBlocks(ModelProfile m) {
        double bytes = m.kvWindowBytes() * (m.attention().get(0).window() + KvBlocks.BLOCK_TOKENS)
                / m.attention().get(0).window();
        return (int) Math.ceil(bytes / (KvBlocks.BLOCK_TOKENS * m.kvBytesPerContextToken()));
    }

    /** The step's accumulator: compressed models track the top-k threshold, others the sliding window. */
    CostModel.Load newLoad() {
        if (!compressed) return new CostModel.Load(model.slidingWindow());
        int window = model.attention().get(0).window();
        return CostModel.Load.compressed(window, sparseRatio, topK);
    }

    /** Attention FLOPs of the step. */
    double flops(CostModel.Load l) {
        if (!compressed) {
            return 4.0 * model.attentionWidth()
                    * (model.fullAttentionLayers() * l.pairsFull + model.slidingWindowLayers() * l.pairsWindow);
        }
        double pairs = windowLayers * l.pairsWindow + denseEntriesPerToken * l.pairsFull;
        double indexer = 0;
        if (sparseLayers > 0) {
            pairs += sparseLayers * (topK * l.sparsePairsCapped + l.sparsePairsBelow / sparseRatio);
            indexer = indexerFlopsPerEntry * sparseLayers * l.pairsFull / sparseRatio;
        }
        return 4.0 * model.attentionWidth() * pairs + indexer;
    }

    /** KV bytes the step reads (each sequence's cached context, as its layers attend to it) and writes. */
    double kvBytes(CostModel.Load l) {
        int t = l.tokens;
        if (!compressed) {
            double kvPerLayer = model.kvBytesPerTokenPerLayer();
            return kvPerLayer * (model.fullAttentionLayers() * l.contextFull + model.slidingWindowLayers() * l.contextWindow)
                    + (double) model.kvBytesPerToken() * t;
        }
        double entries = windowLayers * l.contextWindow + denseEntriesPerToken * l.contextFull;
        double indexerKeys = 0;
        if (sparseLayers > 0) {
            entries += sparseLayers * (topK * l.sparseReadsCapped + l.sparseReadsBelow / sparseRatio);
            indexerKeys = (double) sparseLayers * l.contextFull / sparseRatio;
        }
        double written = t * (model.kvBytesPerToken() + windowLayers * model.kvEntryBytes());
        return entries * model.kvEntryBytes() + indexerKeys * model.indexerKeyBytes() + written;
    }
}
