package io.agentload.sim;

/**
 * Time and power of one engine step from its batch shape (docs/simulator.md, "The model, step by step"): time =
 * max(compute, memory) + all-reduce + per-step overhead + draft passes; per-GPU power between idle and TDP by how busy
 * the step keeps the tensor cores or the memory.
 */
final class CostModel {
    /**
     * Share of the idle-to-TDP range a GPU draws while streaming memory flat out: memory-bound decode draws well under
     * TDP, compute-bound prefill near it (docs/simulator.md, "The model, step by step"). An assumption, checked against
     * the ~540 W per H200 that AA-AgentPerf's published ratios imply (docs/published-figures.md).
     */
    static final double MEMORY_BOUND_ACTIVITY = 0.7;

    /** Seconds and per-GPU power of a step; {@code activity} in [0, 1] places the power between idle and TDP. */
    record StepCost(double seconds, double activity, double gpuWatts) {}

    /** The shape of one step's batch, accumulated sequence by sequence. */
    static final class Load {
        int tokens;
        int decodeSequences;
        double pairsFull;
        double pairsWindow;
        double contextFull;
        double contextWindow;
        private final int window;

        Load(int window) {
            this.window = window;
        }

        /** A sequence computing {@code n} new tokens after {@code offset} cached ones. */
        void add(int offset, int n, boolean decode) {
            tokens += n;
            if (decode) decodeSequences++;
            pairsFull += (double) n * offset + (double) n * n / 2;
            contextFull += offset;
            if (window > 0) {
                pairsWindow += n * Math.min(offset + n / 2.0, window);
                contextWindow += Math.min(offset, window);
            }
        }

        /**
         * {@code count} decoding sequences of one token each, whose contexts sum to {@code offsets}; {@code below} of
         * them, summing to {@code belowOffsets}, are shorter than the sliding window. Every figure is an integer or a
         * half-integer far below 2^53, so the sums are exact and equal to adding the sequences one by one.
         */
        void addDecodes(int count, long offsets, int below, long belowOffsets) {
            tokens += count;
            decodeSequences += count;
            pairsFull += offsets + count * 0.5;
            contextFull += offsets;
            if (window > 0) {
                double above = (double) (count - below) * window;
                pairsWindow += belowOffsets + below * 0.5 + above;
                contextWindow += belowOffsets + above;
            }
        }

        void clear() {
            tokens = decodeSequences = 0;
            pairsFull = pairsWindow = contextFull = contextWindow = 0;
        }
    }

    private final ModelProfile model;
    private final SystemProfile.Gpu gpu;
    private final EngineConfig.Efficiency eff;
    private final EngineConfig.Speculation spec;
    private final int tp;
    /** Attention replicas per worker (data-parallel attention): each holds the attention weights. */
    private final int dp;
    private final boolean expertParallel;
    private final double expertExcess;
    private final double nonExpertFlopRate;
    private final double expertFlopRate;
    private final double attentionFlopRate;
    private final double bandwidth;
    private final double expertBandwidth;

    /**
     * The cost of one worker of {@code c}'s {@link EngineConfig#layout()}: its GPUs ({@code tp}) share every rate;
     * attention runs as {@code dp} data-parallel replicas, each holding the attention weights; the routed experts are
     * split {@code ep} ways, the busiest of the {@code ep} groups setting the expert terms.
     */
    CostModel(EngineConfig c) {
        EngineConfig.Pool layout = c.layout();
        this.model = c.model();
        this.gpu = c.system().gpu();
        this.eff = c.efficiency();
        this.spec = c.speculation();
        this.tp = layout.tensorParallel();
        this.dp = layout.attentionDataParallel();
        this.expertParallel = c.expertParallel();
        expertExcess = expertParallel ? eff.expertImbalance(layout.expertParallel(), model.experts()) : 0;
        nonExpertFlopRate = tp * gpu.flops(model.weightPrecision()) * eff.mfu();
        expertFlopRate = tp * gpu.flops(model.expertPrecision()) * eff.mfu();
        attentionFlopRate = tp * gpu.flops(Precision.BF16) * eff.mfu();
        bandwidth = tp * gpu.hbmBytesPerSecond() * eff.mbu();
        expertBandwidth = tp * gpu.hbmBytesPerSecond() * eff.expertMbu();
    }

    Load newLoad() {
        return new Load(model.slidingWindow());
    }

    double idleWatts() {
        return gpu.idleWatts();
    }

    /**
     * A step's time and power. Rates are the replica's (all its GPUs); with expert parallelism every routed-expert
     * term is the busiest GPU's, whose experts serve {@code 1 + expertExcess} times the mean share of tokens.
     */
    StepCost estimate(Load l) {
        int t = l.tokens;
        double attentionFlops = 4.0 * model.attentionWidth()
                * (model.fullAttentionLayers() * l.pairsFull + model.slidingWindowLayers() * l.pairsWindow);
        double compute = matrixSeconds(t) + attentionFlops / attentionFlopRate;
        double kvPerLayer = model.kvBytesPerTokenPerLayer();
        double kvBytes = kvPerLayer * (model.fullAttentionLayers() * l.contextFull + model.slidingWindowLayers() * l.contextWindow)
                + (double) model.kvBytesPerToken() * t;
        double memory = weightSeconds(t) + kvBytes / bandwidth;
        double seconds = Math.max(compute, memory) + collectives(t) + eff.stepOverheadSeconds() + draft(l.decodeSequences);
        double activity = Math.min(1, Math.max(compute / seconds, MEMORY_BOUND_ACTIVITY * memory / seconds));
        return new StepCost(seconds, activity, watts(activity));
    }

    /** Per-GPU draw at an activity in [0, 1]. */
    double watts(double activity) {
        return gpu.idleWatts() + (gpu.tdpWatts() - gpu.idleWatts()) * activity;
    }

    /** Matrix products of {@code t} tokens: 2 FLOPs per active parameter, the routed experts' on the busiest GPU. */
    private double matrixSeconds(int t) {
        double routedActive = model.moe() ? model.routedExpertParameters() * model.expertsPerToken() / model.experts() : 0;
        return 2 * model.nonExpertParameters() * t / nonExpertFlopRate
                + 2 * routedActive * t * (1 + expertExcess) / expertFlopRate;
    }

    /**
     * Time to read the weights a step of {@code t} tokens touches: the non-expert weights (attention's on every GPU with
     * data-parallel attention), and the routed experts at least one token uses, at the grouped GEMMs' bandwidth.
     */
    private double weightSeconds(int t) {
        double replicated = (dp - 1) * model.attentionParameters();
        double seconds = (model.nonExpertParameters() + replicated) * model.weightPrecision().bytes() / bandwidth;
        if (model.moe()) {
            double untouched = Math.pow(1 - (double) model.expertsPerToken() / model.experts(), t * (1 + expertExcess));
            seconds += model.routedExpertParameters() * (1 - untouched) * model.expertPrecision().bytes() / expertBandwidth;
        }
        return seconds;
    }

    /**
     * Tensor parallelism: two ring all-reduces per layer of t x hidden BF16 values (2 (TP-1)/TP of it leaves each GPU).
     * Expert parallelism with data-parallel attention: an all-gather before and a reduce-scatter after each MoE layer,
     * together the bytes of one all-reduce (TensorRT-LLM uses them up to EP8: tech blog 4, Figure 24).
     */
    private double collectives(int t) {
        if (tp == 1) return 0;
        double bytes = 2.0 * (tp - 1) / tp * t * model.hiddenSize() * 2;
        if (!model.moe()) return model.layers() * (2 * bytes / gpu.scaleUpBytesPerSecond() + 2 * eff.collectiveLatencySeconds());
        return model.layers() * ((bytes + attentionAllReduceBytes(t)) / gpu.scaleUpBytesPerSecond()
                + 2 * eff.collectiveLatencySeconds());
    }

    /**
     * A MoE worker's attention all-reduce, per GPU and layer: each data-parallel attention replica of tp/dp GPUs
     * reduces its own t/dp tokens (none with fully data-parallel attention, dp = tp).
     */
    private double attentionAllReduceBytes(int t) {
        int attentionTp = tp / dp;
        if (attentionTp == 1) return 0;
        return 2.0 * (attentionTp - 1) / attentionTp * ((double) t / dp) * model.hiddenSize() * 2;
    }

    /** k draft passes over the decoding sequences, each a fraction of a plain decode step of that batch. */
    private double draft(int sequences) {
        if (spec.draftTokens() == 0 || sequences == 0) return 0;
        return spec.draftTokens() * spec.draftCostRatio() * Math.max(matrixSeconds(sequences), weightSeconds(sequences));
    }
}
