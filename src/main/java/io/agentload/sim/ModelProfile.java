package io.agentload.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of a model that set its serving cost: parameters (total and active per token), attention shape and KV
 * cache bytes per token (docs/simulator.md, "Systems and models"). Built-in models by name; define your own with
 * {@link #builder}.
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
 * @param kvBytesPerToken     KV cache bytes of one token over all layers, as if every layer kept every token
 * @param kvPrecision         the KV cache's number format ({@code kvBytesPerToken} is in it)
 * @param slidingWindowLayers layers that attend only to the last {@code slidingWindow} tokens (0 when none)
 * @param experts             routed experts per MoE layer (0 for a dense model)
 * @param expertsPerToken     routed experts each token uses
 * @param weightPrecision     format of the weights outside the routed experts (all weights of a dense model)
 * @param expertPrecision     format of the routed experts' weights
 * @param maxContextTokens    longest prompt plus output the model serves
 * @param source              where the figures come from (the published {@code config.json}), empty when not said
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
        String source) {

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

    /** Layers that attend to the whole context. */
    public int fullAttentionLayers() {
        return layers - slidingWindowLayers;
    }

    /** KV bytes of one token in one layer. */
    public double kvBytesPerTokenPerLayer() {
        return (double) kvBytesPerToken / layers;
    }

    /** The same model with weights stored in another format (e.g. an FP8 checkpoint of a BF16 model). */
    public ModelProfile withWeightPrecision(Precision precision) {
        return new ModelProfile(name + "-" + precision.name().toLowerCase(), totalParameters, activeParameters, layers,
                hiddenSize, attentionWidth, attentionParameters, kvBytesPerToken, kvPrecision, slidingWindowLayers,
                slidingWindow, experts,
                expertsPerToken, precision, precision, maxContextTokens, source);
    }

    /** The same model with its KV cache in another format (e.g. FP8 KV cache). */
    public ModelProfile withKvPrecision(Precision precision) {
        long bytes = Math.round(kvBytesPerToken * precision.bytes() / kvPrecision.bytes());
        return new ModelProfile(name + "-kv" + precision.name().toLowerCase(), totalParameters, activeParameters,
                layers, hiddenSize, attentionWidth, attentionParameters, bytes, precision, slidingWindowLayers,
                slidingWindow, experts,
                expertsPerToken, weightPrecision, expertPrecision, maxContextTokens, source);
    }

    /**
     * The same model served with another context length, as vLLM's {@code --max-model-len} sets it: shorter than
     * the model's, or longer for a variant whose positions reach further (a 1M-token one, say). The name stays: a
     * server's context is a setting, not another model.
     */
    public ModelProfile withMaxContextTokens(int tokens) {
        return new ModelProfile(name, totalParameters, activeParameters, layers, hiddenSize, attentionWidth,
                attentionParameters, kvBytesPerToken, kvPrecision, slidingWindowLayers, slidingWindow, experts,
                expertsPerToken, weightPrecision, expertPrecision, tokens, source);
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
            // Per layer, beside hidden x (q LoRA rank + KV down) and the output's heads x v x hidden: the q up and KV up
            // projections, which do not scale with the hidden size.
            this.attentionInnerWidth = qLoraRank + kvLoraRank + ropeDim + queryHeads * vHeadDim;
            this.attentionFixedPerLayer = (double) qLoraRank * queryHeads * qkHeadDim
                    + (double) kvLoraRank * queryHeads * (qkHeadDim - ropeDim + vHeadDim);
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
            long kvBytes = Math.round((double) layers * kvValuesPerTokenPerLayer * kv.bytes());
            double attention = layers * ((double) hidden * attentionInnerWidth + attentionFixedPerLayer);
            return new ModelProfile(name, total, active, layers, hidden, attentionWidth, attention, kvBytes, kv, slidingLayers,
                    window, experts, perToken, weights, expertWeights == null ? weights : expertWeights, context, source);
        }
    }

    /** Figures from each model's published config.json and model card. */
    private static Map<String, ModelProfile> builtIn() {
        Map<String, ModelProfile> m = new LinkedHashMap<>();
        m.put("llama-3.1-8b", builder("llama-3.1-8b").parameters(8.03e9, 8.03e9).layers(32).hiddenSize(4096)
                .gqa(32, 8, 128).maxContextTokens(131_072)
                .source("huggingface.co/meta-llama/Llama-3.1-8B config.json: 32 layers, 32 heads, 8 KV heads of 128")
                .build());
        m.put("llama-3.1-70b", builder("llama-3.1-70b").parameters(70.55e9, 70.55e9).layers(80).hiddenSize(8192)
                .gqa(64, 8, 128).maxContextTokens(131_072)
                .source("huggingface.co/meta-llama/Llama-3.1-70B config.json: 80 layers, 64 heads, 8 KV heads of 128")
                .build());
        m.put("gpt-oss-120b", builder("gpt-oss-120b").parameters(116.83e9, 5.13e9).layers(36).hiddenSize(2880)
                .gqa(64, 8, 64).slidingWindow(18, 128).experts(128, 4).expertWeights(Precision.FP4)
                .maxContextTokens(131_072)
                .source("huggingface.co/openai/gpt-oss-120b config.json and model card: 116.8B total, 5.1B active, "
                        + "36 layers, 64 query and 8 KV heads of 64, every other layer a 128-token sliding window, "
                        + "128 experts (4 per token) in MXFP4, the rest BF16")
                .build());
        m.put("deepseek-v3", builder("deepseek-v3").parameters(671e9, 37e9).layers(61).hiddenSize(7168)
                .mla(128, 1536, 192, 128, 512, 64).experts(256, 8).weights(Precision.FP8).maxContextTokens(163_840)
                .source("huggingface.co/deepseek-ai/DeepSeek-V3 config.json: 61 layers, 128 heads, MLA with "
                        + "kv_lora_rank 512 + rope 64, qk head 192, v head 128; 256 routed experts (8 per token) "
                        + "+ 1 shared; 671B total, 37B active; FP8 weights as released")
                .build());
        return m;
    }
}
