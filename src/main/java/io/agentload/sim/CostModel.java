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
        /**
         * Compressed sparse attention: query tokens whose top k is full (at least {@code threshold} tokens of context
         * before them) and the query-entry pairs of the others; the same per sequence for the entries it reads. Kept
         * as exact sums, divided by the ratio only in {@link AttentionCost}.
         */
        double sparsePairsCapped;
        double sparsePairsBelow;
        double sparseReadsCapped;
        double sparseReadsBelow;
        private final int window;
        /** With compressed attention, every layer's window (0 otherwise). */
        private final int compressedWindow;
        /** Context length below which a decoding sequence counts as "below" in {@link #addDecodes}. */
        private final int threshold;

        Load(int window) {
            this(window, 0, window);
        }

        private Load(int window, int compressedWindow, int threshold) {
            this.window = window;
            this.compressedWindow = compressedWindow;
            this.threshold = threshold;
        }

        /**
         * For compressed attention with a {@code window} in every layer and sparse layers that pick {@code topK}
         * entries of one per {@code ratio} tokens: the lockstep cohort then tracks the sequences shorter than
         * ratio x topK tokens, whose top k is not yet full.
         */
        static Load compressed(int window, int ratio, int topK) {
            return new Load(0, window, topK > 0 ? ratio * topK : 0);
        }

        /** The context length that {@link #addDecodes}'s {@code below} counts sequences under (0 for none). */
        int threshold() {
            return threshold;
        }

        /** A sequence computing {@code n} new tokens after {@code offset} cached ones. */
        void add(int offset, int n, boolean decode) {
            if (compressedWindow > 0) {
                addCompressed(offset, n, decode);
                return;
            }
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
         * them, summing to {@code belowOffsets}, are shorter than the {@link #threshold()} (the sliding window, or
         * with compressed attention the context that fills the top k). Every figure is an integer or a half-integer
         * far below 2^53, so the sums are exact and equal to adding the sequences one by one.
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
            if (compressedWindow > 0) {
                // A decoding sequence is charged its whole window: one threshold is tracked, the top k's, and a
                // context shorter than the window (128 tokens for V4) is too rare to track a second one for.
                pairsWindow += (double) count * compressedWindow;
                contextWindow += (double) count * compressedWindow;
                if (threshold > 0) {
                    sparsePairsCapped += count - below;
                    sparsePairsBelow += belowOffsets + below * 0.5;
                    sparseReadsCapped += count - below;
                    sparseReadsBelow += belowOffsets;
                }
            }
        }

        /** {@link #add} with compressed attention: one-token decodes as {@link #addDecodes} counts them. */
        private void addCompressed(int offset, int n, boolean decode) {
            boolean below = offset < threshold;
            if (decode && n == 1) {
                addDecodes(1, offset, below ? 1 : 0, below ? offset : 0);
                return;
            }
            tokens += n;
            if (decode) decodeSequences++;
            pairsFull += (double) n * offset + (double) n * n / 2;
            contextFull += offset;
            pairsWindow += n * Math.min(offset + n / 2.0, compressedWindow);
            contextWindow += Math.min(offset, compressedWindow);
            if (threshold > 0) {
                double mid = offset + n / 2.0;
                if (mid >= threshold) sparsePairsCapped += n;
                else sparsePairsBelow += (double) n * offset + (double) n * n / 2;
                if (below) sparseReadsBelow += offset;
                else sparseReadsCapped++;
            }
        }

        void clear() {
            tokens = decodeSequences = 0;
            pairsFull = pairsWindow = contextFull = contextWindow = 0;
            sparsePairsCapped = sparsePairsBelow = sparseReadsCapped = sparseReadsBelow = 0;
        }
    }

    private final ModelProfile model;
    private final SystemProfile.Gpu gpu;
    private final EngineConfig.Efficiency eff;
    private final EngineConfig.Speculation spec;
    private final int tp;
    private final boolean expertParallel;
    private final double expertExcess;
    private final double nonExpertFlopRate;
    private final double expertFlopRate;
    private final double attentionFlopRate;
    private final double bandwidth;
    private final double expertBandwidth;
    private final AttentionCost attention;

    CostModel(EngineConfig c) {
        this.model = c.model();
        this.gpu = c.system().gpu();
        this.eff = c.efficiency();
        this.spec = c.speculation();
        this.tp = c.tensorParallel();
        this.expertParallel = c.expertParallel();
        expertExcess = expertParallel ? eff.expertImbalance(tp, model.experts()) : 0;
        nonExpertFlopRate = tp * gpu.flops(model.weightPrecision()) * eff.mfu();
        expertFlopRate = tp * gpu.flops(model.expertPrecision()) * eff.mfu();
        attentionFlopRate = tp * gpu.flops(Precision.BF16) * eff.mfu();
        bandwidth = tp * gpu.hbmBytesPerSecond() * eff.mbu();
        expertBandwidth = tp * gpu.hbmBytesPerSecond() * eff.expertMbu();
        attention = new AttentionCost(model);
    }

    Load newLoad() {
        return attention.newLoad();
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
        double compute = matrixSeconds(t) + attention.flops(l) / attentionFlopRate;
        double memory = weightSeconds(t) + attention.kvBytes(l) / bandwidth;
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
        double replicated = expertParallel ? (tp - 1) * model.attentionParameters() : 0;
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
        double perLayer = expertParallel ? 1 : 2;
        return model.layers() * (perLayer * bytes / gpu.scaleUpBytesPerSecond() + 2 * eff.collectiveLatencySeconds());
    }

    /** k draft passes over the decoding sequences, each a fraction of a plain decode step of that batch. */
    private double draft(int sequences) {
        if (spec.draftTokens() == 0 || sequences == 0) return 0;
        return spec.draftTokens() * spec.draftCostRatio() * Math.max(matrixSeconds(sequences), weightSeconds(sequences));
    }
}
