package io.agentload.sim;

import java.util.List;

/**
 * Time and power of one engine step from its batch shape (docs/simulator.md, "The model, step by step"): time =
 * max(compute, memory) + the routed experts' max(compute, memory) + collectives + per-step overhead + draft passes;
 * per-GPU power between idle and TDP by how busy the step keeps the tensor cores or the memory.
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
    /** Attention replicas per worker (data-parallel attention): each holds the attention weights. */
    private final int dp;
    private final boolean expertParallel;
    private final double expertExcess;
    private final double nonExpertFlopRate;
    private final double attentionFlopRate;
    private final double bandwidth;
    private final AttentionCost attention;
    private final double expertRatePerGpu;
    private final double expertCollectiveBandwidth;
    /** Whether expert parallelism moves tokens by all-to-all dispatch and combine ({@link #allToAll}). */
    private final boolean allToAll;
    /** GPUs the routed experts are split over. */
    private final int expertGroup;
    /** Copies of the KV cache the worker's GPUs each read their share of (MLA on an attention tensor-parallel group). */
    private final double kvCopies;

    /**
     * The cost of one worker of {@code c}'s {@link EngineConfig#layout()}: its GPUs ({@code tp}) share every rate;
     * attention runs as {@code dp} data-parallel replicas, each holding every weight but the routed experts; the routed experts are
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
        nonExpertFlopRate = tp * matrixRate(model.weightPrecision(), eff.mfu());
        expertRatePerGpu = expertRate();
        attentionFlopRate = tp * gpu.flops(Precision.BF16) * eff.mfu();
        bandwidth = tp * gpu.hbmBytesPerSecond() * eff.mbu();
        attention = new AttentionCost(model);
        double fabric = tp <= c.system().scaleUpDomain() ? gpu.scaleUpBytesPerSecond() : c.system().scaleOutBytesPerSecondPerGpu();
        expertCollectiveBandwidth = fabric * eff.expertCollectiveShare();
        allToAll = expertParallel && allToAll(c);
        expertGroup = layout.expertParallel();
        kvCopies = c.kvCopies();
    }

    /**
     * FLOP/s one GPU's matrix products reach in a format at a share of dense peak; FP4 on a GPU with native FP4 reaches
     * {@code fp4Mfu} of it instead of {@code mfu} (the same loss applies to the experts' share).
     */
    private double matrixRate(Precision p, double share) {
        boolean nativeFp4 = p == Precision.FP4 && gpu.fp4Flops() > 0;
        return gpu.flops(p) * (nativeFp4 ? share * eff.fp4Mfu() / eff.mfu() : share);
    }

    /**
     * FLOP/s one GPU's routed-expert GEMMs reach: {@link #matrixRate} in the experts' format, or where the engines
     * serving the model on this GPU run FP4 experts weight-only (W4A16, {@link LaunchStack}), the BF16 rate.
     */
    private double expertRate() {
        if (LaunchStack.weightOnlyFp4Experts(gpu, model)) return gpu.flops(Precision.BF16) * eff.expertMfu();
        return matrixRate(model.expertPrecision(), eff.expertMfu());
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
        double memory = weightSeconds(t) + kvCopies * attention.kvBytes(l) / bandwidth;
        Experts experts = experts(t);
        double seconds = Math.max(compute, memory) + experts.seconds() + collectives(t) + eff.stepOverheadSeconds()
                + draft(l.decodeSequences);
        double busy = compute + experts.compute();
        double streaming = memory + experts.memory();
        double activity = Math.min(1, Math.max(busy / seconds, MEMORY_BOUND_ACTIVITY * streaming / seconds));
        return new StepCost(seconds, activity, watts(activity));
    }

    /**
     * The joint step of a worker's attention data-parallel ranks, one load each (docs/simulator.md, "The model, step by
     * step"): each rank runs its own tokens through everything but the routed experts (attention, dense and
     * shared-expert layers, LM head: every rank holds them whole, {@link ModelProfile#rankWeightBytes}) on its share of
     * the GPUs and reads its own KV; the step waits for the slowest rank, then runs the routed experts and the
     * collectives over every rank's tokens. Balanced loads cost what one load of their sum costs in
     * {@link #estimate(Load)}.
     */
    StepCost estimate(List<Load> ranks) {
        int n = ranks.size();
        int t = 0, decodes = 0;
        for (Load l : ranks) {
            t += l.tokens;
            decodes += l.decodeSequences;
        }
        double perRankToken = 2 * model.nonExpertParameters() * n / nonExpertFlopRate;
        double weights = weightSeconds(t);
        double slowest = 0, compute = 0, memory = 0;
        for (Load l : ranks) {
            double c = perRankToken * l.tokens + n * attention.flops(l) / attentionFlopRate;
            double m = weights + n * kvCopies * attention.kvBytes(l) / bandwidth;
            slowest = Math.max(slowest, Math.max(c, m));
            compute += c / n;
            memory += m / n;
        }
        Experts experts = experts(t);
        double seconds = slowest + experts.seconds() + collectives(t) + eff.stepOverheadSeconds() + draft(decodes);
        double busy = compute + experts.compute();
        double streaming = memory + experts.memory();
        double activity = Math.min(1, Math.max(busy / seconds, MEMORY_BOUND_ACTIVITY * streaming / seconds));
        return new StepCost(seconds, activity, watts(activity));
    }

    /** Per-GPU draw at an activity in [0, 1]. */
    double watts(double activity) {
        return gpu.idleWatts() + (gpu.tdpWatts() - gpu.idleWatts()) * activity;
    }

    /** Matrix products of {@code t} tokens outside the routed experts: 2 FLOPs per parameter. */
    private double matrixSeconds(int t) {
        return 2 * model.nonExpertParameters() * t / nonExpertFlopRate;
    }

    /** Time to read the weights outside the routed experts: every data-parallel attention rank reads its own copy. */
    private double weightSeconds(int t) {
        return dp * model.rankWeightBytes(dp) / bandwidth;
    }

    /** The routed experts' part of a step: its own kernels, so its own roofline, after the rest of the layer. */
    record Experts(double compute, double memory, double seconds) {
        static final Experts NONE = new Experts(0, 0, 0);
    }

    /**
     * The routed experts of a step of {@code t} tokens on the busiest GPU, whose experts serve {@code 1 + expertExcess}
     * times the mean share. Grouped GEMMs compute whole tiles: an expert that receives 3 tokens computes a tile of 8
     * rows, one that receives 150 two tiles of 128. Memory: the weights of every expert at least one token touches, at
     * the grouped GEMMs' bandwidth, and the activations each routed copy of a token moves through the layer (permute,
     * the two GEMMs' inputs and outputs, the gated activation, the weighted combine; BF16) at the share of HBM
     * bandwidth those small kernels reach.
     */
    Experts experts(int t) {
        if (!model.moe() || t == 0) return Experts.NONE;
        int e = model.experts();
        int k = model.expertsPerToken();
        double hot = t * (1 + expertExcess);
        double untouched = Math.pow(1 - (double) k / e, hot);
        double expertsPerGpu = (double) e / tp;
        double touched = expertsPerGpu * (1 - untouched);
        double rowsPerTouched = hot * k / e / (1 - untouched);
        int tile = expertTile(rowsPerTouched);
        double paddedRows = touched * tile * Math.ceil(rowsPerTouched / tile);
        double perExpert = model.routedExpertParameters() / e;
        double compute = 2 * perExpert * paddedRows / expertRatePerGpu;
        double weights = perExpert * touched * model.expertPrecision().bytes() / (gpu.hbmBytesPerSecond() * eff.expertMbu());
        double intermediate = perExpert / (model.layers() * 3.0 * model.hiddenSize());
        double copyBytes = model.layers() * (8.0 * model.hiddenSize() + 12 * intermediate);
        double activations = hot * k / tp * copyBytes / (gpu.hbmBytesPerSecond() * eff.moeActivationShare());
        double memory = weights + activations;
        return new Experts(compute, memory, Math.max(compute, memory));
    }

    /**
     * Tensor parallelism: two ring all-reduces per layer of t x hidden BF16 values (2 (TP-1)/TP of it leaves each GPU).
     * Expert parallelism with data-parallel attention: per MoE layer either an all-gather before and a reduce-scatter
     * after (together the bytes of one all-reduce) or an all-to-all dispatch and combine ({@link #allToAll}), at the
     * share of the fabric DeepEP's kernels reach; over RDMA when the group spans more GPUs than the scale-up domain.
     */
    double collectives(int t) {
        if (tp == 1) return 0;
        double attention = expertParallel ? attentionAllReduceBytes(t) / gpu.scaleUpBytesPerSecond() : 0;
        if (allToAll) {
            double bandwidth = expertCollectiveBandwidth * allToAllScaling(expertGroup);
            return model.layers() * (allToAllBytes(t) / bandwidth + attention + ALL_TO_ALL_SECONDS);
        }
        double bytes = 2.0 * (tp - 1) / tp * t * model.hiddenSize() * 2;
        if (!expertParallel) return model.layers() * (2 * bytes / gpu.scaleUpBytesPerSecond() + 2 * eff.collectiveLatencySeconds());
        return model.layers() * (bytes / expertCollectiveBandwidth + attention + 2 * eff.collectiveLatencySeconds());
    }

    /**
     * A dispatch and a combine of a few tokens, the time they take whatever their bytes: 18 µs and 31 µs, TensorRT-LLM's
     * NVLink one-sided all-to-all on GB200 NVL72 at batches of 1 to 32 tokens per rank and EP8 to EP32 (17.6-20.2 µs
     * and 30.8-34.6 µs; tech blog 18, "Optimizing MoE Communication with One-Sided AlltoAll Over NVLink", whose
     * large batches reach about 80% of NVLink at EP8, the fabric share the bytes go at).
     */
    static final double ALL_TO_ALL_SECONDS = 18e-6 + 31e-6;

    /**
     * The all-to-all's bandwidth at {@code ep} GPUs relative to EP8's: TensorRT-LLM's one-sided kernels at 2,048 tokens
     * per rank on GB200 NVL72 (tech blog 18) reach, dispatch and combine averaged, 741 GB/s at EP8, 679 at EP16, 632 at
     * EP32 and 610 at EP64 ("synchronization overhead inside the larger communication domain"): about 6% less per
     * doubling, interpolated on log2(ep) and held beyond EP64.
     */
    static double allToAllScaling(int ep) {
        double doublings = Math.min(3, Math.max(0, Math.log(ep / 8.0) / Math.log(2)));
        return 1 - (1 - 610.0 / 741) * doublings / 3;
    }

    /**
     * GPUs of one NVLink baseboard (HGX): a system whose scale-up domain is wider links its nodes by multi-node NVLink
     * (GB200 and GB300 NVL72).
     */
    static final int NODE_GPUS = 8;

    /**
     * Whether a worker's expert parallelism moves tokens by all-to-all (each token sent to the GPUs of its top-k experts
     * and their outputs sent back) rather than all-gather and reduce-scatter (every token to every GPU). TensorRT-LLM's
     * rule ({@code select_alltoall_method_type} in {@code tensorrt_llm/_torch/modules/fused_moe/fused_moe_cutlass.py}
     * and {@code fused_moe_wide_ep.py}, 2025): with attention data-parallel, only when the expert-parallel group is
     * wider than the experts per token ({@code moe_ep_size <= top_k} keeps all-gather, which then moves no more) and
     * over multi-node NVLink ({@code MnnvlMemory.supports_mnnvl()}, Grace systems); DeepEP otherwise only on request.
     * Beyond the scale-up domain the engines that run wide expert parallelism over RDMA use DeepEP (SGLang's large-scale
     * EP); on an HGX node TensorRT-LLM's published rows ran all-gather, as vLLM does by default
     * ({@code all2all_backend = "allgather_reducescatter"} in {@code vllm/config/parallel.py}).
     */
    private static boolean allToAll(EngineConfig c) {
        EngineConfig.Pool layout = c.layout();
        boolean wide = layout.expertParallel() > c.model().expertsPerToken();
        boolean beyondNode = c.system().scaleUpDomain() > NODE_GPUS || layout.tensorParallel() > c.system().scaleUpDomain();
        return layout.attentionDataParallel() > 1 && wide && beyondNode;
    }

    /**
     * One GPU's all-to-all bytes per MoE layer: its share of the step's tokens, each sent as k routed copies in the
     * experts' activation format (dispatch) and returned in BF16 (combine), counted as DeepEP and TensorRT-LLM count
     * their "logical" bandwidth (batch x min(ep, k) x bytes per token, local copies included: tech blog 18 and
     * DeepEP's README), so their measured share of the fabric applies as it stands. The busiest GPU receives and
     * returns {@code 1 + expertExcess} times the mean, and the step waits for it.
     */
    private double allToAllBytes(int t) {
        double copies = (1 + expertExcess) * t / tp * model.expertsPerToken();
        return copies * model.hiddenSize() * (dispatchBytesPerValue() + Precision.BF16.bytes());
    }

    /**
     * Bytes per value of a dispatched token: FP8 with one FP32 scale per 128 values (DeepEP's FP8 dispatch, DeepSeek's
     * 1 x 128 blocks: 7,392 bytes per DeepSeek token, TensorRT-LLM's MXFP8 dispatch) for FP8 experts; NVFP4, 4 bits
     * with one FP8 scale per 16 values (4,032 bytes), for FP4 experts (TensorRT-LLM's post-quant dispatch, tech blog 18;
     * SGLang fused NVFP4 into DeepEP's dispatch, "halving the required network traffic", lmsys.org GB200 Part II);
     * BF16 for BF16 experts and weight-only FP4 ({@link LaunchStack}).
     */
    private double dispatchBytesPerValue() {
        if (LaunchStack.weightOnlyFp4Experts(gpu, model)) return Precision.BF16.bytes();
        return switch (model.expertPrecision()) {
            case FP4 -> 0.5 + 1.0 / 16;
            case FP8 -> 1 + 4.0 / 128;
            case BF16 -> Precision.BF16.bytes();
        };
    }

    /** The smallest tile of TensorRT-LLM's MoE GEMMs ({@link #expertTile}). */
    static final int MIN_EXPERT_TILE = 8;

    /**
     * Rows of an expert GEMM's tile for a mean of {@code rows} tokens per expert: the next power of two, from
     * {@value #MIN_EXPERT_TILE} to {@code expertTileTokens}, as TensorRT-LLM picks it
     * ({@code calculate_tile_tokens_dim} in {@code tensorrt_llm/_torch/custom_ops/trtllm_gen_custom_ops.py}).
     */
    private int expertTile(double rows) {
        int pow2 = Integer.highestOneBit(Math.max(1, (int) Math.ceil(rows) - 1)) << 1;
        return Math.min(eff.expertTileTokens(), Math.max(MIN_EXPERT_TILE, pow2));
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
        return spec.draftTokens() * spec.draftCostRatio()
                * (Math.max(matrixSeconds(sequences), weightSeconds(sequences)) + experts(sequences).seconds());
    }
}
