package io.agentload.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a model that set its serving cost: parameters (total and active per token), attention shape and kinds
 * (full, sliding window, DeepSeek V4's compressed layers) and KV cache bytes per token (docs/simulator.md, "Systems and
 * models" and "Attention kinds"). Built-in models by name; define your own with {@link #builder}.
 *
 * <pre>{@code
 * ModelProfile qwen = ModelProfile.builder("qwen3-32b").parameters(32.8e9, 32.8e9).layers(64).hiddenSize(5120)
 *         .gqa(64, 8, 128).maxContextTokens(131_072).build();
 * ModelProfile fp8 = ModelProfile.named("llama-3.1-70b").withWeightPrecision(Precision.FP8);
 * }</pre>
 *
 * @param totalParameters     all weights
 * @param activeParameters    weights one token runs through (equal to the total for a dense model)
 * @param attentionWidth      query heads x head dimension: attention FLOPs per (query, key) pair per layer are 4 x this
 * @param attentionParameters weights of the attention projections over all layers (held by every GPU with
 *                            data-parallel attention)
 * @param kvBytesPerToken     KV cache bytes of one token over all layers, as if every layer kept every token (with
 *                            compressed attention, see {@code kvEntryBytes})
 * @param kvPrecision         the KV cache's number format ({@code kvBytesPerToken} is in it)
 * @param slidingWindowLayers layers that attend only to the last {@code slidingWindow} tokens (0 when none)
 * @param experts             routed experts per MoE layer (0 for a dense model)
 * @param expertsPerToken     routed experts each token uses
 * @param weightPrecision     format of the weights outside the routed experts (all weights of a dense model)
 * @param expertPrecision     format of the routed experts' weights
 * @param maxContextTokens    longest prompt plus output the model serves
 * @param source              where the figures come from (the published {@code config.json}), empty when not said
 * @param attention           the layers by how they attend (full, sliding window, compressed); for full and
 *                            sliding-window models it restates {@code slidingWindowLayers} and {@code slidingWindow}
 * @param kvEntryBytes        bytes of one cached KV entry in one layer (a token's, or a compressed group of tokens');
 *                            with compressed attention {@code kvBytesPerToken} is what one more token of context adds
 *                            over all layers: its share of the compressed entries and of the indexer's keys
 * @param kvHeads             KV heads per layer: tensor parallelism shards the KV cache over at most this many GPUs
 *                            and caches a copy on each GPU beyond (1 for MLA's latent and V4's shared entry); 0 when
 *                            not said, taken as sharding over any degree
 * @param vocabularySize      tokens of the vocabulary ({@code config.json}'s {@code vocab_size}): the LM head's rows,
 *                            which a data-parallel attention rank holds whole ({@link #lmHeadParameters()}); 0 when
 *                            not said
 */
public record ModelProfile(
        String name,
        double totalParameters,
        double activeParameters,
        int layers,
        int hiddenSize,
        int attentionWidth,
        double attentionParameters,
        long kvBytesPerToken,
        Precision kvPrecision,
        int slidingWindowLayers,
        int slidingWindow,
        int experts,
        int expertsPerToken,
        Precision weightPrecision,
        Precision expertPrecision,
        int maxContextTokens,
        String source,
        List<AttentionLayers> attention,
        double kvEntryBytes,
        int kvHeads,
        int vocabularySize) {

    /** How a group of layers attends (docs/simulator.md, "Attention kinds"). */
    public enum AttentionKind {
        /** Every cached token of the context. */
        FULL,
        /** The last {@code window} tokens only. */
        SLIDING_WINDOW,
        /**
         * The last {@code window} tokens plus the top {@code topK} of the context's compressed entries (one per
         * {@code compressRatio} tokens), chosen by an indexer that scores every compressed entry: DeepSeek V4's
         * compressed sparse attention (CSA).
         */
        COMPRESSED_SPARSE,
        /** The last {@code window} tokens plus every compressed entry: DeepSeek V4's heavily compressed attention (HCA). */
        COMPRESSED_DENSE
    }

    /**
     * A group of layers that attend alike.
     *
     * @param layers         layers in the group
     * @param window         tokens kept uncompressed (0 for {@link AttentionKind#FULL}: all of them)
     * @param compressRatio  tokens per compressed entry (0 when not compressed)
     * @param topK           compressed entries each query attends to ({@link AttentionKind#COMPRESSED_SPARSE} only)
     * @param indexerHeads   the indexer's query heads, which score every compressed entry (sparse only)
     * @param indexerHeadDim the indexer's head dimension, also the width of its cached key per compressed entry
     */
    public record AttentionLayers(AttentionKind kind, int layers, int window, int compressRatio, int topK,
                                  int indexerHeads, int indexerHeadDim) {
        public AttentionLayers {
            boolean compressed = kind == AttentionKind.COMPRESSED_SPARSE || kind == AttentionKind.COMPRESSED_DENSE;
            boolean sparse = kind == AttentionKind.COMPRESSED_SPARSE;
            if (layers <= 0 || window < 0 || (kind == AttentionKind.FULL) != (window == 0)
                    || compressed != (compressRatio > 1) || (!compressed && compressRatio != 0)
                    || sparse != (topK > 0 && indexerHeads > 0 && indexerHeadDim > 0)
                    || (!sparse && (topK != 0 || indexerHeads != 0 || indexerHeadDim != 0))) {
                throw new IllegalArgumentException("inconsistent attention layers " + this);
            }
        }

        /** Layers attending to the whole context. */
        public static AttentionLayers full(int layers) {
            return new AttentionLayers(AttentionKind.FULL, layers, 0, 0, 0, 0, 0);
        }

        /** Layers attending to the last {@code window} tokens. */
        public static AttentionLayers slidingWindow(int layers, int window) {
            return new AttentionLayers(AttentionKind.SLIDING_WINDOW, layers, window, 0, 0, 0, 0);
        }

        /** Compressed sparse attention: a window plus the top {@code topK} entries an indexer picks. */
        public static AttentionLayers compressedSparse(int layers, int window, int compressRatio, int topK,
                                                       int indexerHeads, int indexerHeadDim) {
            return new AttentionLayers(AttentionKind.COMPRESSED_SPARSE, layers, window, compressRatio, topK,
                    indexerHeads, indexerHeadDim);
        }

        /** Heavily compressed attention: a window plus every compressed entry. */
        public static AttentionLayers compressedDense(int layers, int window, int compressRatio) {
            return new AttentionLayers(AttentionKind.COMPRESSED_DENSE, layers, window, compressRatio, 0, 0, 0);
        }

        boolean compressed() {
            return compressRatio > 0;
        }
    }

    /** A full-attention or sliding-window model, its {@link #attention} and KV entry read from the other figures. */
    public ModelProfile(String name, double totalParameters, double activeParameters, int layers, int hiddenSize,
                        int attentionWidth, double attentionParameters, long kvBytesPerToken, Precision kvPrecision,
                        int slidingWindowLayers, int slidingWindow, int experts, int expertsPerToken,
                        Precision weightPrecision, Precision expertPrecision, int maxContextTokens, String source) {
        this(name, totalParameters, activeParameters, layers, hiddenSize, attentionWidth, attentionParameters,
                kvBytesPerToken, kvPrecision, slidingWindowLayers, slidingWindow, experts, expertsPerToken,
                weightPrecision, expertPrecision, maxContextTokens, source,
                uncompressed(layers, slidingWindowLayers, slidingWindow), (double) kvBytesPerToken / layers, 0, 0);
    }

    private static List<AttentionLayers> uncompressed(int layers, int slidingLayers, int window) {
        if (slidingLayers <= 0 || slidingLayers >= layers) return List.of(AttentionLayers.full(layers));
        return List.of(AttentionLayers.full(layers - slidingLayers), AttentionLayers.slidingWindow(slidingLayers, window));
    }

    public ModelProfile {
        String m = "model " + name + ": ";
        source = source == null ? "" : source;
        if (totalParameters <= 0 || activeParameters <= 0 || activeParameters > totalParameters) {
            throw new IllegalArgumentException(m + "need 0 < active parameters <= total parameters");
        }
        if (layers <= 0 || hiddenSize <= 0 || attentionWidth <= 0 || kvBytesPerToken <= 0 || maxContextTokens <= 0) {
            throw new IllegalArgumentException(m + "layers, hidden size, attention width, KV bytes and context must be positive");
        }
        if (slidingWindowLayers < 0 || slidingWindowLayers >= layers || (slidingWindowLayers > 0) != (slidingWindow > 0)) {
            throw new IllegalArgumentException(m + "sliding-window layers must be fewer than all layers and have a window");
        }
        if (attentionParameters <= 0 || attentionParameters > totalParameters - (experts > 0 ? 0 : 1)) {
            throw new IllegalArgumentException(m + "attention parameters must be positive and part of the total");
        }
        if (experts < 0 || expertsPerToken < 0 || expertsPerToken > experts || (experts > 0) != (expertsPerToken > 0)) {
            throw new IllegalArgumentException(m + "need 0 < experts per token <= experts, or no experts");
        }
        if (experts == 0 && activeParameters != totalParameters) {
            throw new IllegalArgumentException(m + "a dense model's active parameters equal its total");
        }
        if (experts > 0 && experts == expertsPerToken) {
            throw new IllegalArgumentException(m + "every expert active per token: describe it as dense");
        }
        if (kvHeads < 0) throw new IllegalArgumentException(m + "negative KV heads");
        if (vocabularySize < 0 || (double) vocabularySize * hiddenSize >= activeParameters) {
            throw new IllegalArgumentException(m + "the LM head (vocabulary x hidden size) must be part of the active parameters");
        }
        attention = List.copyOf(attention);
        checkAttention(m, layers, slidingWindowLayers, slidingWindow, attention, kvEntryBytes);
    }

    /**
     * Compressed attention as the step model charges it: every layer keeps one window, at most one compressed
     * sparse setting (so one top-k threshold bounds the lockstep sums), no full-attention or legacy sliding layers.
     */
    private static void checkAttention(String m, int layers, int slidingLayers, int window, List<AttentionLayers> a,
                                       double entryBytes) {
        if (a.stream().mapToInt(AttentionLayers::layers).sum() != layers || !(entryBytes > 0)) {
            throw new IllegalArgumentException(m + "attention layers must add up to the " + layers + " layers");
        }
        if (a.stream().noneMatch(AttentionLayers::compressed)) {
            if (!a.equals(uncompressed(layers, slidingLayers, window))) {
                throw new IllegalArgumentException(m + "attention layers disagree with the sliding-window figures");
            }
            return;
        }
        if (slidingLayers != 0 || a.stream().anyMatch(g -> g.kind() == AttentionKind.FULL)
                || a.stream().mapToInt(AttentionLayers::window).distinct().count() != 1
                || a.stream().filter(g -> g.kind() == AttentionKind.COMPRESSED_SPARSE)
                        .map(g -> List.of(g.compressRatio(), g.topK())).distinct().count() > 1) {
            throw new IllegalArgumentException(m + "compressed attention needs one window in every layer and one "
                    + "sparse setting, without full-attention layers");
        }
    }

    private static final Map<String, ModelProfile> BUILT_IN = builtIn();

    /** A built-in model by name ({@link #all()} lists them). */
    public static ModelProfile named(String name) {
        ModelProfile p = BUILT_IN.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", BUILT_IN.keySet()));
        }
        return p;
    }

    /** Every built-in model. */
    public static List<ModelProfile> all() {
        return List.copyOf(BUILT_IN.values());
    }

    /** Starts a model definition; every figure but the optional ones (MoE, sliding window, precisions) is required. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Whether tokens are routed to a subset of experts. */
    public boolean moe() {
        return experts > 0;
    }

    /** Weights of all routed experts: (total - active) x E / (E - k), since a token uses k of E experts. */
    public double routedExpertParameters() {
        return moe() ? (totalParameters - activeParameters) * experts / (experts - expertsPerToken) : 0;
    }

    /** Weights every token uses: attention, embeddings, dense and shared-expert layers. */
    public double nonExpertParameters() {
        return totalParameters - routedExpertParameters();
    }

    /** Bytes of all weights in their formats. */
    public double weightBytes() {
        return nonExpertParameters() * weightPrecision.bytes() + routedExpertParameters() * expertPrecision.bytes();
    }

    /** Weights of the LM head, vocabulary x hidden size (0 when the vocabulary is not said). */
    public double lmHeadParameters() {
        return (double) vocabularySize * hiddenSize;
    }

    /**
     * Bytes of one worker's weights when its attention runs as {@code attentionRanks} data-parallel ranks: the routed
     * experts once, split among the GPUs, and everything else on every rank ({@link #rankWeightBytes}).
     */
    double weightBytes(int attentionRanks) {
        return routedExpertParameters() * expertPrecision.bytes() + attentionRanks * rankWeightBytes(attentionRanks);
    }

    /**
     * Bytes of the weights outside the routed experts that each of {@code attentionRanks} data-parallel attention
     * ranks holds and reads every step. With more than one rank every rank holds them all: each rank's tokens differ, so
     * its attention, dense and shared-expert layers and LM head cannot be split among the ranks (TensorRT-LLM builds
     * them with a tensor-parallel size of 1 under {@code enable_attention_dp}, and vLLM's data-parallel ranks are
     * whole copies but for the experts); the LM head stays whole in the checkpoint's BF16 (TensorRT-LLM's
     * {@code DecoderModelForCausalLM}; quantised checkpoints leave it unquantised). One rank keeps the head in the
     * weights' format, as before the vocabulary was known.
     */
    double rankWeightBytes(int attentionRanks) {
        double bytes = nonExpertParameters() * weightPrecision.bytes();
        if (attentionRanks <= 1) return bytes;
        return bytes + lmHeadParameters() * (Precision.BF16.bytes() - weightPrecision.bytes());
    }

    /** Layers that attend to the whole context. */
    public int fullAttentionLayers() {
        return layers - slidingWindowLayers;
    }

    /** KV bytes of one token in one layer. */
    public double kvBytesPerTokenPerLayer() {
        return (double) kvBytesPerToken / layers;
    }

    /** Whether some layers attend to compressed entries (DeepSeek V4's hybrid attention). */
    public boolean compressedAttention() {
        return attention.stream().anyMatch(AttentionLayers::compressed);
    }

    /**
     * KV bytes one more token of context adds to a sequence's cache: the full-attention layers' entries, or with
     * compressed attention the token's share of the compressed entries and indexer keys. Sliding windows are apart
     * ({@link #kvWindowBytes()}).
     */
    public double kvBytesPerContextToken() {
        return compressedAttention() ? kvBytesPerToken : kvBytesPerTokenPerLayer() * fullAttentionLayers();
    }

    /**
     * Copies of the KV cache that {@code attentionTensorParallel} GPUs sharing one attention computation hold: each
     * GPU caches whole KV heads, so beyond {@link #kvHeads} GPUs the heads repeat (vLLM replicates KV heads when the
     * tensor-parallel degree exceeds them; MLA's single latent head is cached whole on every GPU of the group, which
     * is why SGLang and TensorRT-LLM serve DeepSeek with data-parallel attention). 1 when {@code kvHeads} is not said.
     */
    public double kvCopies(int attentionTensorParallel) {
        return kvHeads == 0 || attentionTensorParallel <= kvHeads ? 1 : (double) attentionTensorParallel / kvHeads;
    }

    /** KV bytes a sequence holds for its sliding windows once they are full (its compressed layers' too). */
    public double kvWindowBytes() {
        double bytes = 0;
        for (AttentionLayers g : attention) bytes += (double) g.window() * g.layers() * kvEntryBytes;
        return bytes;
    }

    /** Bytes of the indexer's key for one compressed entry in one layer, in the KV cache's format. */
    public double indexerKeyBytes() {
        return attention.stream().filter(g -> g.kind() == AttentionKind.COMPRESSED_SPARSE).findFirst()
                .map(g -> g.indexerHeadDim() * kvPrecision.bytes()).orElse(0.0);
    }

    /** The same model with weights stored in another format (e.g. an FP8 checkpoint of a BF16 model). */
    public ModelProfile withWeightPrecision(Precision precision) {
        return new ModelProfile(name + "-" + precision.name().toLowerCase(), totalParameters, activeParameters, layers,
                hiddenSize, attentionWidth, attentionParameters, kvBytesPerToken, kvPrecision, slidingWindowLayers,
                slidingWindow, experts,
                expertsPerToken, precision, precision, maxContextTokens, source, attention, kvEntryBytes, kvHeads, vocabularySize);
    }

    /** The same model with its KV cache in another format (e.g. FP8 KV cache). */
    public ModelProfile withKvPrecision(Precision precision) {
        long bytes = Math.round(kvBytesPerToken * precision.bytes() / kvPrecision.bytes());
        double entry = compressedAttention() ? kvEntryBytes * precision.bytes() / kvPrecision.bytes() : (double) bytes / layers;
        return new ModelProfile(name + "-kv" + precision.name().toLowerCase(), totalParameters, activeParameters,
                layers, hiddenSize, attentionWidth, attentionParameters, bytes, precision, slidingWindowLayers,
                slidingWindow, experts,
                expertsPerToken, weightPrecision, expertPrecision, maxContextTokens, source, attention, entry, kvHeads, vocabularySize);
    }

    /**
     * The same model served with another context length, as vLLM's {@code --max-model-len} sets it: shorter than
     * the model's, or longer for a variant whose positions reach further (a 1M-token one, say). The name stays: a
     * server's context is a setting, not another model.
     */
    public ModelProfile withMaxContextTokens(int tokens) {
        return new ModelProfile(name, totalParameters, activeParameters, layers, hiddenSize, attentionWidth,
                attentionParameters, kvBytesPerToken, kvPrecision, slidingWindowLayers, slidingWindow, experts,
                expertsPerToken, weightPrecision, expertPrecision, tokens, source, attention, kvEntryBytes, kvHeads, vocabularySize);
    }

    /** Builds a {@link ModelProfile} from architecture figures (a model's {@code config.json}). */
    public static final class Builder {
        private final String name;
        private double total;
        private double active;
        private int layers;
        private int hidden;
        private int attentionWidth;
        private int kvValuesPerTokenPerLayer;
        private int kvHeads;
        private int attentionInnerWidth;
        private double attentionFixedPerLayer;
        private int slidingLayers;
        private int window;
        private int experts;
        private int perToken;
        private Precision weights = Precision.BF16;
        private Precision expertWeights;
        private Precision kv = Precision.BF16;
        private int context;
        private String source = "";
        private int compressedWindow;
        private int[] compressRatios;
        private int indexedRatio;
        private int indexerHeads;
        private int indexerHeadDim;
        private int topK;
        private int vocabulary;

        private Builder(String name) {
            this.name = name;
        }

        /** Total and active parameters (the same number for a dense model). */
        public Builder parameters(double totalParameters, double activeParameters) {
            this.total = totalParameters;
            this.active = activeParameters;
            return this;
        }

        /** Transformer layers. */
        public Builder layers(int layers) {
            this.layers = layers;
            return this;
        }

        /** Hidden size (the residual stream's width; sets the tensor-parallel all-reduce size). */
        public Builder hiddenSize(int hiddenSize) {
            this.hidden = hiddenSize;
            return this;
        }

        /** Grouped-query attention: KV per token and layer = 2 x kvHeads x headDim values. */
        public Builder gqa(int queryHeads, int kvHeads, int headDim) {
            this.attentionWidth = queryHeads * headDim;
            this.kvValuesPerTokenPerLayer = 2 * kvHeads * headDim;
            this.kvHeads = kvHeads;
            // q and output projections of hidden x query width, k and v of hidden x KV width.
            this.attentionInnerWidth = 2 * queryHeads * headDim + 2 * kvHeads * headDim;
            this.attentionFixedPerLayer = 0;
            return this;
        }

        /**
         * Multi-head latent attention (DeepSeek): KV per token and layer = kvLoraRank + ropeDim values; attention
         * FLOPs as the decompressed heads compute them, queryHeads x (qkHeadDim + vHeadDim) / 2 wide; {@code qLoraRank}
         * sizes the query projections.
         */
        public Builder mla(int queryHeads, int qLoraRank, int qkHeadDim, int vHeadDim, int kvLoraRank, int ropeDim) {
            this.attentionWidth = queryHeads * (qkHeadDim + vHeadDim) / 2;
            this.kvValuesPerTokenPerLayer = kvLoraRank + ropeDim;
            this.kvHeads = 1;
            // Per layer, beside hidden x (q LoRA rank + KV down) and the output's heads x v x hidden: the q up and KV up
            // projections, which do not scale with the hidden size.
            this.attentionInnerWidth = qLoraRank + kvLoraRank + ropeDim + queryHeads * vHeadDim;
            this.attentionFixedPerLayer = (double) qLoraRank * queryHeads * qkHeadDim
                    + (double) kvLoraRank * queryHeads * (qkHeadDim - ropeDim + vHeadDim);
            return this;
        }

        /**
         * DeepSeek V4's attention shape: {@code queryHeads} heads attend to one shared key-and-value entry of
         * {@code headDim} values per token (or per compressed group of tokens); queries come through a rank
         * {@code qLoraRank} projection and outputs through {@code oGroups} groups of rank {@code oLoraRank}. Say how
         * each layer compresses with {@link #compressRatios}.
         */
        public Builder compressedAttention(int queryHeads, int headDim, int qLoraRank, int oLoraRank, int oGroups) {
            this.attentionWidth = queryHeads * headDim;
            this.kvValuesPerTokenPerLayer = headDim;
            this.kvHeads = 1;
            // wq_a (hidden x q LoRA), wkv (hidden x head dim) and wo_b (o groups x o LoRA x hidden) scale with the
            // hidden size; wq_b (q LoRA x heads x head dim) and the grouped wo_a (heads x head dim x o LoRA) do not.
            this.attentionInnerWidth = qLoraRank + headDim + oGroups * oLoraRank;
            this.attentionFixedPerLayer = (double) qLoraRank * queryHeads * headDim
                    + (double) queryHeads * headDim * oLoraRank;
            return this;
        }

        /**
         * Each layer's compression as {@code config.json}'s {@code compress_ratios} lists it (without the trailing
         * multi-token-prediction slot): 0 for a layer that keeps only its {@code window}, else the tokens per
         * compressed entry; every layer also keeps the last {@code window} tokens uncompressed.
         */
        public Builder compressRatios(int window, int... ratios) {
            this.compressedWindow = window;
            this.compressRatios = ratios.clone();
            return this;
        }

        /**
         * Layers of compression {@code ratio} attend to the {@code topK} compressed entries that an indexer of
         * {@code heads} heads of {@code headDim} picks (it caches one key of {@code headDim} per entry).
         */
        public Builder indexer(int ratio, int heads, int headDim, int topK) {
            this.indexedRatio = ratio;
            this.indexerHeads = heads;
            this.indexerHeadDim = headDim;
            this.topK = topK;
            return this;
        }

        /** Some layers attend only to the last {@code window} tokens. */
        public Builder slidingWindow(int layers, int window) {
            this.slidingLayers = layers;
            this.window = window;
            return this;
        }

        /** Mixture of experts: {@code perToken} of {@code experts} routed experts per MoE layer. */
        public Builder experts(int experts, int perToken) {
            this.experts = experts;
            this.perToken = perToken;
            return this;
        }

        /** Weight format of the whole model (default BF16). */
        public Builder weights(Precision precision) {
            this.weights = precision;
            return this;
        }

        /** Weight format of the routed experts when it differs from the rest (gpt-oss: MXFP4 experts). */
        public Builder expertWeights(Precision precision) {
            this.expertWeights = precision;
            return this;
        }

        /** KV cache format (default BF16). */
        public Builder kvCache(Precision precision) {
            this.kv = precision;
            return this;
        }

        /** Tokens of the vocabulary ({@code vocab_size}): the LM head's rows. */
        public Builder vocabulary(int tokens) {
            this.vocabulary = tokens;
            return this;
        }

        /** Longest prompt plus output. */
        public Builder maxContextTokens(int tokens) {
            this.context = tokens;
            return this;
        }

        /** Where the figures come from, e.g. the URL of the model's {@code config.json}. */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /** The profile; throws {@link IllegalArgumentException} naming the model and the missing or wrong figure. */
        public ModelProfile build() {
            double attention = layers * ((double) hidden * attentionInnerWidth + attentionFixedPerLayer);
            if (compressRatios != null) return buildCompressed(attention);
            long kvBytes = Math.round((double) layers * kvValuesPerTokenPerLayer * kv.bytes());
            return new ModelProfile(name, total, active, layers, hidden, attentionWidth, attention, kvBytes, kv,
                    slidingLayers, window, experts, perToken, weights, expertWeights == null ? weights : expertWeights,
                    context, source, uncompressed(layers, slidingLayers, window), (double) kvBytes / layers, kvHeads, vocabulary);
        }

        /**
         * Groups the layers by compression. One more token of context adds 1/ratio of an entry in each compressed
         * layer, and in sparse layers 1/ratio of an indexer key; the windows are a fixed amount per sequence.
         */
        private ModelProfile buildCompressed(double attention) {
            if (compressRatios.length != layers) {
                throw new IllegalArgumentException("model " + name + ": " + compressRatios.length
                        + " compress ratios for " + layers + " layers");
            }
            Map<Integer, Integer> byRatio = new TreeMap<>();
            for (int r : compressRatios) byRatio.merge(r, 1, Integer::sum);
            List<AttentionLayers> groups = new ArrayList<>();
            double entry = kvValuesPerTokenPerLayer * kv.bytes();
            double bytesPerToken = 0;
            for (Map.Entry<Integer, Integer> e : byRatio.entrySet()) {
                int r = e.getKey(), n = e.getValue();
                if (r == 0) {
                    groups.add(AttentionLayers.slidingWindow(n, compressedWindow));
                } else if (r == indexedRatio) {
                    groups.add(AttentionLayers.compressedSparse(n, compressedWindow, r, topK, indexerHeads, indexerHeadDim));
                    bytesPerToken += n * (entry + indexerHeadDim * kv.bytes()) / r;
                } else {
                    groups.add(AttentionLayers.compressedDense(n, compressedWindow, r));
                    bytesPerToken += n * entry / r;
                }
            }
            return new ModelProfile(name, total, active, layers, hidden, attentionWidth, attention,
                    Math.round(bytesPerToken), kv, 0, 0, experts, perToken, weights, expertWeights == null ? weights : expertWeights, context,
                    source, groups, entry, kvHeads, vocabulary);
        }
    }

    /** Figures from each model's published config.json and model card. */
    private static Map<String, ModelProfile> builtIn() {
        Map<String, ModelProfile> m = new LinkedHashMap<>();
        m.put("llama-3.1-8b", builder("llama-3.1-8b").parameters(8.03e9, 8.03e9).layers(32).hiddenSize(4096)
                .gqa(32, 8, 128).vocabulary(128_256).maxContextTokens(131_072)
                .source("huggingface.co/meta-llama/Llama-3.1-8B config.json: 32 layers, 32 heads, 8 KV heads of 128, "
                        + "vocab_size 128,256")
                .build());
        m.put("llama-3.1-70b", builder("llama-3.1-70b").parameters(70.55e9, 70.55e9).layers(80).hiddenSize(8192)
                .gqa(64, 8, 128).vocabulary(128_256).maxContextTokens(131_072)
                .source("huggingface.co/meta-llama/Llama-3.1-70B config.json: 80 layers, 64 heads, 8 KV heads of 128, "
                        + "vocab_size 128,256")
                .build());
        m.put("gpt-oss-120b", builder("gpt-oss-120b").parameters(116.83e9, 5.13e9).layers(36).hiddenSize(2880)
                .gqa(64, 8, 64).slidingWindow(18, 128).experts(128, 4).expertWeights(Precision.FP4)
                .vocabulary(201_088).maxContextTokens(131_072)
                .source("huggingface.co/openai/gpt-oss-120b config.json and model card: 116.8B total, 5.1B active, "
                        + "36 layers, 64 query and 8 KV heads of 64, every other layer a 128-token sliding window, "
                        + "128 experts (4 per token) in MXFP4, the rest BF16; vocab_size 201,088")
                .build());
        m.put("deepseek-v3", builder("deepseek-v3").parameters(671e9, 37e9).layers(61).hiddenSize(7168)
                .mla(128, 1536, 192, 128, 512, 64).experts(256, 8).weights(Precision.FP8).vocabulary(129_280)
                .maxContextTokens(163_840)
                .source("huggingface.co/deepseek-ai/DeepSeek-V3 config.json: 61 layers, 128 heads, MLA with "
                        + "kv_lora_rank 512 + rope 64, qk head 192, v head 128; 256 routed experts (8 per token) "
                        + "+ 1 shared; 671B total, 37B active; vocab_size 129,280; FP8 weights as released (the LM "
                        + "head BF16)")
                .build());
        m.put("deepseek-v4-pro", builder("deepseek-v4-pro").parameters(1.6e12, 49e9).layers(61).hiddenSize(7168)
                .compressedAttention(128, 512, 1536, 1024, 16).compressRatios(128, v4Ratios(new int[] {128, 128}, 29, new int[] {4, 128}, 4))
                .indexer(4, 64, 128, 1024).experts(384, 6).weights(Precision.FP8).expertWeights(Precision.FP4)
                .vocabulary(129_280).maxContextTokens(1_048_576)
                .source("huggingface.co/deepseek-ai/DeepSeek-V4-Pro config.json and model card: 1.6T total, 49B active; "
                        + "61 layers (plus 1 multi-token-prediction layer, not served here), hidden 7168; 128 query "
                        + "heads on one shared KV entry of head_dim 512 (q_lora_rank 1536, o_groups 16 of "
                        + "o_lora_rank 1024); sliding_window 128 in every layer; compress_ratios 128, 128, then 4 and "
                        + "128 alternating (30 compressed sparse layers at 4x, top 1,024 entries by an indexer of 64 "
                        + "heads of 128; 31 heavily compressed layers at 128x); 384 routed experts (6 per token) + 1 "
                        + "shared; max_position_embeddings 1,048,576; vocab_size 129,280; experts FP4, the rest FP8 "
                        + "as released")
                .build());
        m.put("deepseek-v4-flash", builder("deepseek-v4-flash").parameters(284e9, 13e9).layers(43).hiddenSize(4096)
                .compressedAttention(64, 512, 1024, 1024, 8).compressRatios(128, v4Ratios(new int[] {0, 0, 4}, 20, new int[] {128, 4}))
                .indexer(4, 64, 128, 512).experts(256, 6).weights(Precision.FP8).expertWeights(Precision.FP4)
                .vocabulary(129_280).maxContextTokens(1_048_576)
                .source("huggingface.co/deepseek-ai/DeepSeek-V4-Flash config.json and model card: 284B total, 13B "
                        + "active; 43 layers (plus 1 multi-token-prediction layer), hidden 4096; 64 query heads on one "
                        + "shared KV entry of head_dim 512 (q_lora_rank 1024, o_groups 8 of o_lora_rank 1024); "
                        + "sliding_window 128 in every layer; compress_ratios 0, 0, 4, then 128 and 4 alternating (2 "
                        + "window-only layers, 21 compressed sparse at 4x with the top 512 entries by an indexer of 64 "
                        + "heads of 128, 20 heavily compressed at 128x); 256 routed experts (6 per token) + 1 shared; "
                        + "max_position_embeddings 1,048,576; vocab_size 129,280; experts FP4, the rest FP8 as released")
                .build());
        return m;
    }

    /**
     * A head, {@code times} repeats of a pair, and a tail: how V4's config.json files lay out their
     * {@code compress_ratios} (here without the trailing multi-token-prediction slot).
     */
    private static int[] v4Ratios(int[] head, int times, int[] pair, int... tail) {
        int[] r = new int[head.length + times * pair.length + tail.length];
        System.arraycopy(head, 0, r, 0, head.length);
        for (int i = 0; i < times; i++) System.arraycopy(pair, 0, r, head.length + i * pair.length, pair.length);
        System.arraycopy(tail, 0, r, head.length + times * pair.length, tail.length);
        return r;
    }
}
