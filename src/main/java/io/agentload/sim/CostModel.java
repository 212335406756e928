package io.agentload.sim;

/**
 * Time and power of one engine step from its batch shape (DESIGN.md section 10): time = max(compute, memory) +
 * all-reduce + per-step overhead + draft passes; per-GPU power between idle and TDP by how busy the step keeps the
 * tensor cores or the memory.
 */
final class CostModel {
    /**
     * Share of the idle-to-TDP range a GPU draws while streaming memory flat out: memory-bound decode draws well under
     * TDP, compute-bound prefill near it (DESIGN.md section 10). An assumption, checked against the ~540 W per H200
     * that AA-AgentPerf's published ratios imply (REFERENCE.md).
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
    private final double nonExpertFlopRate;
    private final double expertFlopRate;
    private final double attentionFlopRate;
    private final double bandwidth;

    CostModel(EngineConfig c) {
        this.model = c.model();
        this.gpu = c.system().gpu();
        this.eff = c.efficiency();
        this.spec = c.speculation();
        this.tp = c.tensorParallel();
        nonExpertFlopRate = tp * gpu.flops(model.weightPrecision()) * eff.mfu();
        expertFlopRate = tp * gpu.flops(model.expertPrecision()) * eff.mfu();
        attentionFlopRate = tp * gpu.flops(Precision.BF16) * eff.mfu();
        bandwidth = tp * gpu.hbmBytesPerSecond() * eff.mbu();
    }

    Load newLoad() {
        return new Load(model.slidingWindow());
    }

    double idleWatts() {
        return gpu.idleWatts();
    }

    StepCost estimate(Load l) {
        int t = l.tokens;
        double routedActive = model.moe() ? model.routedExpertParameters() * model.expertsPerToken() / model.experts() : 0;
        double attentionFlops = 4.0 * model.attentionWidth()
                * (model.fullAttentionLayers() * l.pairsFull + model.slidingWindowLayers() * l.pairsWindow);
        double compute = 2 * model.nonExpertParameters() * t / nonExpertFlopRate
                + 2 * routedActive * t / expertFlopRate
                + attentionFlops / attentionFlopRate;
        double kvPerLayer = model.kvBytesPerTokenPerLayer();
        double kvBytes = kvPerLayer * (model.fullAttentionLayers() * l.contextFull + model.slidingWindowLayers() * l.contextWindow)
                + (double) model.kvBytesPerToken() * t;
        double memory = (weightBytesTouched(t) + kvBytes) / bandwidth;
        double seconds = Math.max(compute, memory) + allReduce(t) + eff.stepOverheadSeconds() + draft(l.decodeSequences);
        double activity = Math.min(1, Math.max(compute / seconds, MEMORY_BOUND_ACTIVITY * memory / seconds));
        return new StepCost(seconds, activity, watts(activity));
    }

    /** Per-GPU draw at an activity in [0, 1]. */
    double watts(double activity) {
        return gpu.idleWatts() + (gpu.tdpWatts() - gpu.idleWatts()) * activity;
    }

    /** Weights read by a step of {@code t} tokens: all dense weights, and the routed experts at least one token uses. */
    private double weightBytesTouched(int t) {
        double bytes = model.nonExpertParameters() * model.weightPrecision().bytes();
        if (model.moe()) {
            double untouched = Math.pow(1 - (double) model.expertsPerToken() / model.experts(), t);
            bytes += model.routedExpertParameters() * (1 - untouched) * model.expertPrecision().bytes();
        }
        return bytes;
    }

    /** Two all-reduces per layer of t x hidden BF16 values, ring algorithm: 2 (TP-1)/TP of it leaves each GPU. */
    private double allReduce(int t) {
        if (tp == 1) return 0;
        double bytes = 2.0 * (tp - 1) / tp * t * model.hiddenSize() * 2;
        return 2 * model.layers() * (bytes / gpu.scaleUpBytesPerSecond() + eff.collectiveLatencySeconds());
    }

    /** k draft passes over the decoding sequences, each a fraction of a plain decode step of that batch. */
    private double draft(int sequences) {
        if (spec.draftTokens() == 0 || sequences == 0) return 0;
        double routedActive = model.moe() ? model.routedExpertParameters() * model.expertsPerToken() / model.experts() : 0;
        double compute = 2 * (model.nonExpertParameters() * sequences / nonExpertFlopRate
                + routedActive * sequences / expertFlopRate);
        double memory = weightBytesTouched(sequences) / bandwidth;
        return spec.draftTokens() * spec.draftCostRatio() * Math.max(compute, memory);
    }
}
