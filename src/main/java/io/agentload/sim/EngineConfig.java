package io.agentload.sim;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a system serves a model: replicas and their tensor/expert-parallel degree, scheduler limits, prefix caching,
 * efficiency factors, speculative decoding and prefill/decode disaggregation. Start from {@link #of(String, String)},
 * which picks vLLM-like defaults, and change what you need with the {@code with*} copies.
 *
 * <pre>{@code
 * EngineConfig c = EngineConfig.of("h200x8", "llama-3.1-70b").withTensorParallel(4).withSpeculation(3, 0.7);
 * }</pre>
 *
 * @param tensorParallel         GPUs per replica; a MoE model uses the same degree for expert parallelism
 * @param replicas               independent serving instances (prefill plus decode ones when disaggregated)
 * @param maxBatchTokens         token budget of one step (vLLM's {@code max_num_batched_tokens})
 * @param maxRunningSequences    sequences one replica runs at once (vLLM's {@code max_num_seqs})
 * @param prefixCaching          whether full blocks are cached and reused across requests
 * @param memoryUtilisation      share of HBM the engine may use (vLLM's {@code gpu_memory_utilization})
 * @param activationReserveBytes per GPU, kept out of the KV cache for activations, CUDA graphs and buffers
 * @param efficiency             attainable fractions of peak and fixed overheads
 * @param speculation            speculative decoding, or {@link Speculation#NONE}
 * @param disaggregation         separate prefill and decode pools, or {@code null} when every replica does both
 * @param deployment             per-pool worker layouts and limits ({@link #withDeployment}), or {@code null} for the
 *                               layout the fields above describe
 */
public record EngineConfig(
        SystemProfile system,
        ModelProfile model,
        int tensorParallel,
        int replicas,
        int maxBatchTokens,
        int maxRunningSequences,
        boolean prefixCaching,
        double memoryUtilisation,
        double activationReserveBytes,
        Efficiency efficiency,
        Speculation speculation,
        @Nullable Disaggregation disaggregation,
        @Nullable Deployment deployment) {

    /** vLLM's token budget per step for an API server on 70+ GiB GPUs (vllm/engine/arg_utils.py defaults). */
    static final int DEFAULT_BATCH_TOKENS = 8192;
    /** vLLM's default {@code max_num_seqs} on 70+ GiB GPUs. */
    static final int DEFAULT_RUNNING_SEQUENCES = 1024;
    /** A fixed part of the activation reserve: CUDA context, graphs and communication buffers. */
    static final double FIXED_RESERVE_BYTES = 2.0 * (1L << 30);

    /**
     * Attainable fractions of peak and fixed costs.
     *
     * @param mfu                      share of dense FLOP/s reached by large matrix products and attention
     * @param mbu                      share of HBM bandwidth reached when streaming weights and KV cache
     * @param stepOverheadSeconds      per step: scheduling, sampling, kernel launch
     * @param collectiveLatencySeconds per collective (two per layer with tensor parallelism)
     * @param expertMbu                share of HBM bandwidth a MoE layer's grouped GEMMs reach reading expert weights
     * @param expertImbalance          routed tokens of the busiest expert-parallel GPU above the mean, as a share of
     *                                 the mean, at 32 GPUs of 8 experts each (0 for perfectly balanced experts); scaled
     *                                 to other layouts by {@link #expertImbalance(int, int)}
     * @param fp4Mfu                   share of a GPU's native FP4 FLOP/s that W4A4 matrix products reach, activation
     *                                 quantisation included (replaces {@code mfu} for FP4 weights)
     * @param expertMfu                share of peak a MoE layer's grouped expert GEMMs reach (replaces {@code mfu} for
     *                                 the routed experts; scaled by {@code fp4Mfu / mfu} for FP4 experts)
     * @param expertTileTokens         rows of a grouped GEMM's largest tile: every expert that receives a token
     *                                 computes a whole number of tiles, each the next power of two of its tokens up to this
     * @param moeActivationShare       share of HBM bandwidth a MoE layer's non-GEMM kernels (routing, permutation,
     *                                 gated activation, combine) reach moving each routed copy of a token
     * @param expertCollectiveShare    share of the fabric's bandwidth the expert-parallel collectives reach
     */
    public record Efficiency(double mfu, double mbu, double stepOverheadSeconds, double collectiveLatencySeconds,
                             double expertMbu, double expertImbalance, double fp4Mfu, double expertMfu,
                             int expertTileTokens, double moeActivationShare, double expertCollectiveShare) {
        /**
         * W4A4 GEMMs on Blackwell, NVFP4 input quantisation included, reach 2,221-3,025 TFLOP/s of a B200's 9,000 at
         * 1,024-8,192 tokens (Llama 3.1 8B's N=6144, K=4096: vLLM's {@code benchmarks/kernels/bench_nvfp4_gemm.py},
         * github.com/vllm-project/vllm/pull/20578), where BF16 reaches 1,326-1,421 of 2,250, the dense MFU's share.
         */
        static final double FP4_MFU = 0.3;
        /**
         * DeepGEMM's grouped FP8 GEMMs on an H800 (github.com/deepseek-ai/DeepGEMM README, February 2025): the masked
         * (decode) layout at 256 tokens per expert reaches 815-932 TFLOP/s, 41-47% of 1,979; at 512-1,024, 916-1,233.
         */
        static final double EXPERT_MFU = 0.45;
        /**
         * DeepGEMM aligns every expert's rows of its contiguous grouped GEMM to the GEMM's M block
         * ({@code get_mk_alignment_for_contiguous_layout()}, 128); TensorRT-LLM's MoE GEMMs pad each expert's tokens to
         * the next power of two from 8 to 128 ({@code calculate_tile_tokens_dim}).
         */
        static final int EXPERT_TILE_TOKENS = 128;
        /**
         * Fitted, not measured: no public breakdown gives the achieved bandwidth of TensorRT-LLM's MoE routing,
         * permutation, activation and finalize kernels, so this share is the one that brings the fitted MoE rows of
         * docs/calibration.md within 25% (the held-out rows check it).
         */
        static final double MOE_ACTIVATION_SHARE = 0.17;
        /**
         * DeepEP's dispatch and combine over NVLink between 8 Blackwell GPUs reach 643-740 GB/s of NVLink 5's 900 GB/s
         * per direction (github.com/deepseek-ai/DeepEP README, V2).
         */
        static final double EXPERT_COLLECTIVE_SHARE = 0.8;

        /**
         * The defaults (docs/calibration.md). MFU, MBU and overheads are calibrated on dense models. {@code expertMbu}
         * 0.6 is DeepGEMM's masked grouped FP8 GEMM at 256 tokens per expert, 2,047-2,064 GB/s of an H800's 3.35 TB/s
         * (github.com/deepseek-ai/DeepGEMM README, February 2025). {@code expertImbalance} 1.564 is TensorRT-LLM's
         * measurement of DeepSeek-R1 without an expert load balancer at EP32 (tech blog 4, "Scaling Expert Parallelism
         * in TensorRT-LLM", Table 1: the hottest rank receives 1.564 times more routed tokens than the mean).
         */
        public static final Efficiency DEFAULT = new Efficiency(0.55, 0.8, 0.003, 10e-6, 0.6, 1.564, FP4_MFU,
                EXPERT_MFU, EXPERT_TILE_TOKENS, MOE_ACTIVATION_SHARE, EXPERT_COLLECTIVE_SHARE);

        public Efficiency {
            if (mfu <= 0 || mfu > 1 || mbu <= 0 || mbu > 1 || expertMbu <= 0 || expertMbu > 1 || fp4Mfu <= 0
                    || fp4Mfu > 1 || expertMfu <= 0 || expertMfu > 1 || moeActivationShare <= 0 || moeActivationShare > 1
                    || expertCollectiveShare <= 0 || expertCollectiveShare > 1) {
                throw new IllegalArgumentException("MFU, MBU and their expert, FP4 and collective shares must be in (0, 1]");
            }
            if (stepOverheadSeconds < 0 || collectiveLatencySeconds < 0) throw new IllegalArgumentException("negative overhead");
            if (expertImbalance < 0) throw new IllegalArgumentException("negative expert imbalance");
            if (expertTileTokens < 1) throw new IllegalArgumentException("expert tile of no rows");
        }

        /**
         * Routed tokens of the busiest of {@code gpus} expert-parallel GPUs above the mean, as a share of the mean,
         * for a layer of {@code experts} experts. A GPU's load is the sum of its experts' loads, so its spread falls
         * as 1/sqrt(experts per GPU); the largest of n such loads grows as sqrt(ln n). Both scale the measured
         * {@code expertImbalance} from its 32 GPUs of 8 experts; one GPU has no imbalance.
         */
        public double expertImbalance(int gpus, int experts) {
            if (gpus <= 1) return 0;
            double perGpu = Math.max(1.0, (double) experts / gpus);
            return expertImbalance * Math.sqrt(8 / perGpu) * Math.sqrt(Math.log(gpus) / Math.log(32));
        }

        /** The same factors with another expert imbalance (e.g. 0.11, TensorRT-LLM's measurement with EPLB). */
        public Efficiency withExpertImbalance(double imbalance) {
            return new Efficiency(mfu, mbu, stepOverheadSeconds, collectiveLatencySeconds, expertMbu, imbalance, fp4Mfu,
                    expertMfu, expertTileTokens, moeActivationShare, expertCollectiveShare);
        }
    }

    /**
     * Speculative decoding: each step verifies {@code draftTokens} drafted tokens per sequence.
     *
     * @param draftTokens    tokens drafted per step (k)
     * @param acceptanceRate chance that each drafted token is accepted (a)
     * @param draftCostRatio cost of one draft pass relative to a plain decode step of the same batch (an EAGLE or
     *                       MTP head of one layer plus the LM head is a few percent)
     */
    public record Speculation(int draftTokens, double acceptanceRate, double draftCostRatio) {
        /** No speculative decoding. */
        public static final Speculation NONE = new Speculation(0, 0, 0);

        public Speculation {
            if (draftTokens < 0 || acceptanceRate < 0 || acceptanceRate > 1 || draftCostRatio < 0) {
                throw new IllegalArgumentException("speculation needs draft tokens >= 0, acceptance in [0, 1], cost >= 0");
            }
        }

        /**
         * DeepSeek's acceptance of the token its multi-token-prediction module drafts: "the acceptance rate of the
         * second token prediction ranges between 85% and 90% across various generation topics" (DeepSeek-V3 Technical
         * Report, arXiv:2412.19437, section 5.4.3); the low end, since agentic turns mix code, tool calls and prose.
         */
        public static final double MTP_ACCEPTANCE = 0.85;
        /**
         * One MTP draft pass against a decode step: one transformer block of the model's 61 plus the shared LM head
         * (DeepSeek-V3's MTP module, arXiv:2412.19437 section 2.2), a few percent; 0.05 as {@code withSpeculation}.
         */
        public static final double MTP_DRAFT_COST = 0.05;

        /**
         * Multi-token prediction with {@code draftTokens} drafted per step ({@code mtp=N}), each accepted at
         * {@link #MTP_ACCEPTANCE}: 1.85 tokens per step at one draft token, as DeepSeek's 1.8x decoding speed-up.
         * Serving engines draft further tokens by running the one MTP module again (TensorRT-LLM's and vLLM's
         * {@code num_nextn_predict_layers} = 1), whose later drafts are accepted less often: one constant rate is
         * optimistic beyond one draft token.
         */
        public static Speculation mtp(int draftTokens) {
            return new Speculation(draftTokens, MTP_ACCEPTANCE, MTP_DRAFT_COST);
        }

        /** Expected tokens per verification step: (1 - a^(k+1)) / (1 - a). */
        public double tokensPerStep() {
            if (acceptanceRate == 1) return draftTokens + 1;
            return (1 - Math.pow(acceptanceRate, draftTokens + 1)) / (1 - acceptanceRate);
        }
    }

    /**
     * Prefill and decode on separate replicas; a request's KV cache moves from one to the other after its prefill.
     *
     * @param transferBytesPerSecond KV transfer bandwidth into one decode replica
     */
    public record Disaggregation(int prefillReplicas, int decodeReplicas, double transferBytesPerSecond) {
        public Disaggregation {
            if (prefillReplicas <= 0 || decodeReplicas <= 0 || transferBytesPerSecond <= 0) {
                throw new IllegalArgumentException("disaggregation needs prefill and decode replicas and a transfer rate");
            }
        }
    }

    /** How requests are routed to the workers of a pool. */
    public enum Routing {
        /**
         * The worker caching the longest prefix of the prompt when that covers at least half of it, else the least
         * loaded one (SGLang's cache-aware router; the default).
         */
        CACHE_AWARE,
        /**
         * Conversation affinity: every turn of a conversation goes to the worker that served its first turn, which is
         * routed cache-aware (AA-AgentPerf's orchestrator routes by conversation; requests without a
         * {@link Engine.Request#session()} are routed cache-aware).
         */
        CONVERSATION
    }

    /**
     * The workers of one pool, all alike. A worker is one engine instance on {@code tensorParallel} GPUs of one
     * scale-up domain, in the convention of TensorRT-LLM ({@code tp_size}, {@code moe_expert_parallel_size},
     * {@code enable_attention_dp}) and SGLang ({@code --tp}, {@code --ep}, {@code --dp} with
     * {@code --enable-dp-attention}): its GPUs split the experts {@code expertParallel} ways (each expert shard then
     * split over the remaining factor), and run attention as {@code attentionDataParallel} replicas of
     * {@code tensorParallel / attentionDataParallel} GPUs each. With attention data-parallel every replica holds the
     * attention weights and its own sequences' KV cache: each is a rank with its share of the worker's KV blocks and
     * limits, scheduled apart, the ranks stepping together ({@link AttentionRanks}).
     *
     * @param workers               identical workers in the pool
     * @param tensorParallel        GPUs per worker
     * @param expertParallel        expert-parallel degree (1: experts split by tensor parallelism; dense models: 1)
     * @param attentionDataParallel attention data-parallel degree (1: attention split by tensor parallelism)
     * @param maxBatchSequences     sequences a worker runs at once (TensorRT-LLM's {@code max_batch_size}, vLLM's
     *                              {@code max_num_seqs})
     * @param maxBatchTokens        tokens of one step (TensorRT-LLM's {@code max_num_tokens}, vLLM's
     *                              {@code max_num_batched_tokens})
     */
    public record Pool(int workers, int tensorParallel, int expertParallel, int attentionDataParallel,
                       int maxBatchSequences, int maxBatchTokens) {
        public Pool {
            String w = "tp" + tensorParallel + ",ep" + expertParallel + ",dp" + attentionDataParallel + ": ";
            if (workers < 1 || tensorParallel < 1) throw new IllegalArgumentException(w + "needs at least one worker of one GPU");
            if (expertParallel < 1 || tensorParallel % expertParallel != 0) {
                throw new IllegalArgumentException(w + "the expert-parallel degree must divide the worker's " + tensorParallel + " GPUs");
            }
            if (attentionDataParallel < 1 || tensorParallel % attentionDataParallel != 0) {
                throw new IllegalArgumentException(w + "the attention data-parallel degree must divide the worker's "
                        + tensorParallel + " GPUs");
            }
            if (maxBatchSequences < 1) throw new IllegalArgumentException(w + "max batch " + maxBatchSequences + " < 1");
            if (maxBatchTokens < KvBlocks.BLOCK_TOKENS) {
                throw new IllegalArgumentException(w + "max tokens per step " + maxBatchTokens + " < " + KvBlocks.BLOCK_TOKENS);
            }
        }

        /** GPUs of all the pool's workers. */
        public int gpus() {
            return workers * tensorParallel;
        }

        Pool withLimits(int sequences, int tokens) {
            return new Pool(workers, tensorParallel, expertParallel, attentionDataParallel,
                    sequences > 0 ? sequences : maxBatchSequences, tokens > 0 ? tokens : maxBatchTokens);
        }
    }

    /**
     * A serving deployment as vendors submit one: either one {@code unified} pool whose workers do prefill and decode,
     * or a {@code context} (prefill) pool handing its KV cache to a {@code generation} (decode) pool; a longest
     * sequence, multi-token-prediction speculative decoding and a routing rule. Written and read as a compact string
     * ({@link #parse}, {@link #toString}; grammar in docs/simulator.md, "Deployments"):
     *
     * <pre>{@code
     * EngineConfig c = EngineConfig.of("b200x8", "deepseek-v3")
     *         .withDeployment(Deployment.parse("ctx=1x(tp4,ep4,dp4),gen=1x(tp4,ep4,dp4),batch=64,tokens=1024"));
     * }</pre>
     *
     * @param unified           the pool doing both, or {@code null} when disaggregated
     * @param context           the prefill pool, or {@code null} when unified
     * @param generation        the decode pool, or {@code null} when unified
     * @param maxSequenceTokens the longest prompt plus output served (TensorRT-LLM's {@code max_seq_len}); 0 for the
     *                          model's context
     * @param mtpTokens         draft tokens of multi-token-prediction speculative decoding
     *                          ({@link Speculation#mtp(int)}); 0 for none
     * @param routing           how requests are routed within each pool
     */
    public record Deployment(@Nullable Pool unified, @Nullable Pool context, @Nullable Pool generation,
                             int maxSequenceTokens, int mtpTokens, Routing routing) {

        /**
         * Artificial Analysis' published B300 configuration for DeepSeek V4 Pro (AA-AgentPerf hardware configuration
         * pages, June 2026): TensorRT-LLM 1.3.0rc15, one context and one generation worker on one 8-GPU node, each
         * TP4 with EP4 and attention data-parallel, max batch 64, max 1,024 tokens per step, max sequence 131,072,
         * routed by conversation affinity. TensorRT-LLM applies its {@code max_batch_size} and {@code max_num_tokens}
         * to each attention data-parallel rank, and a pool's limits here are its worker's, which the ranks divide
         * ({@link Pool}), so the preset writes them four times over: {@code batch=256,tokens=4096}. Named
         * {@code aa-b300} in {@link #parse}.
         */
        public static final Deployment AA_B300 = DeploymentSpec.parse(
                "ctx=1x(tp4,ep4,dp4),gen=1x(tp4,ep4,dp4),batch=256,tokens=4096,seq=131072,route=affinity");

        /** Presets {@link #parse} accepts by name. */
        static final Map<String, Deployment> PRESETS = Map.of("aa-b300", AA_B300);

        public Deployment {
            if ((unified == null) == (context == null && generation == null) || (context == null) != (generation == null)) {
                throw new IllegalArgumentException("a deployment has either a unified pool or both context and "
                        + "generation pools");
            }
            if (maxSequenceTokens < 0 || mtpTokens < 0) throw new IllegalArgumentException("negative seq or mtp");
            Objects.requireNonNull(routing, "routing");
        }

        /** A deployment from its string, e.g. {@code unified=1x(tp8,ep8,dp8),mtp=1}, or a preset's name ({@code aa-b300}). */
        public static Deployment parse(String spec) {
            Deployment preset = PRESETS.get(spec.strip().toLowerCase(Locale.ROOT));
            return preset != null ? preset : DeploymentSpec.parse(spec);
        }

        /** One unified pool of {@code workers} workers, vLLM's scheduler limits, cache-aware routing. */
        public static Deployment unified(int workers, int tensorParallel, int expertParallel, int attentionDataParallel) {
            return new Deployment(new Pool(workers, tensorParallel, expertParallel, attentionDataParallel,
                    DEFAULT_RUNNING_SEQUENCES, DEFAULT_BATCH_TOKENS), null, null, 0, 0, Routing.CACHE_AWARE);
        }

        /** Whether prefill and decode run on separate pools. */
        public boolean disaggregated() {
            return unified == null;
        }

        /** The pools: the unified one, or context then generation. */
        public List<Pool> pools() {
            return unified != null ? List.of(unified) : List.of(context, generation);
        }

        /** GPUs of every pool. */
        public int gpus() {
            return pools().stream().mapToInt(Pool::gpus).sum();
        }

        /** The same with another routing rule. */
        public Deployment withRouting(Routing r) {
            return new Deployment(unified, context, generation, maxSequenceTokens, mtpTokens, r);
        }

        Deployment withLimits(int sequences, int tokens) {
            return new Deployment(unified == null ? null : unified.withLimits(sequences, tokens),
                    context == null ? null : context.withLimits(sequences, tokens),
                    generation == null ? null : generation.withLimits(sequences, tokens), maxSequenceTokens,
                    mtpTokens, routing);
        }

        /** Checks the deployment against a system and a model, with messages naming what does not fit. */
        void check(SystemProfile system, ModelProfile model) {
            String where = "deployment " + this + " on " + system.name() + " serving " + model.name() + ": ";
            for (Pool p : pools()) {
                if (p.tensorParallel() > system.scaleUpDomain()) {
                    throw new IllegalArgumentException(where + "a worker of " + p.tensorParallel() + " GPUs spans more "
                            + "than one scale-up (NVLink) domain of " + system.scaleUpDomain());
                }
                if (!model.moe() && (p.expertParallel() > 1 || p.attentionDataParallel() > 1)) {
                    throw new IllegalArgumentException(where + model.name() + " is dense: no experts to split and no "
                            + "attention data parallelism (ep1, dp1); run more workers instead");
                }
            }
            if (gpus() > system.gpus()) {
                throw new IllegalArgumentException(where + "needs " + gpus() + " GPUs, the system has " + system.gpus());
            }
            if (maxSequenceTokens > model.maxContextTokens()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%sseq=%d is longer than %s's context of"
                        + " %,d tokens", where, maxSequenceTokens, model.name(), model.maxContextTokens()));
            }
        }

        /** The compact string {@link #parse} reads back. */
        @Override
        public String toString() {
            return DeploymentSpec.format(this);
        }
    }

    public EngineConfig {
        String where = "serving " + model.name() + " on " + system.name() + ": ";
        if (tensorParallel <= 0 || replicas <= 0) throw new IllegalArgumentException(where + "no replicas");
        if (deployment != null) {
            deployment.check(system, model);
        } else if (tensorParallel * replicas > system.gpus()) {
            throw new IllegalArgumentException(where + replicas + " replicas x TP" + tensorParallel + " need more than "
                    + system.gpus() + " GPUs");
        }
        if (deployment == null && disaggregation != null
                && disaggregation.prefillReplicas() + disaggregation.decodeReplicas() != replicas) {
            throw new IllegalArgumentException(where + "prefill plus decode replicas must equal the replicas");
        }
        if (maxRunningSequences <= 0 || maxBatchTokens < KvBlocks.BLOCK_TOKENS
                || maxBatchTokens < speculation.draftTokens() + 1) {
            throw new IllegalArgumentException(where + "token budget " + maxBatchTokens + " too small");
        }
        if (memoryUtilisation <= 0 || memoryUtilisation > 1 || activationReserveBytes < 0) {
            throw new IllegalArgumentException(where + "memory utilisation must be in (0, 1]");
        }
    }

    /** Defaults for a built-in system and model. */
    public static EngineConfig of(String system, String model) {
        return of(SystemProfile.named(system), ModelProfile.named(model));
    }

    /**
     * Defaults: one replica per eight GPUs of a scale-up domain (see {@link #defaultTensorParallel}); vLLM's scheduler
     * limits; prefix caching on, except where the engines that serve the model on this GPU lose long sessions'
     * prefixes (DeepSeek V4 on Hopper: docs/simulator.md, "Launch engines"); 90% of HBM.
     */
    public static EngineConfig of(SystemProfile system, ModelProfile model) {
        return of(system, model, defaultTensorParallel(system, model));
    }

    /**
     * The defaults of {@link #of(SystemProfile, ModelProfile)} at a given tensor-parallel degree, without the default's
     * rule that weights leave a fifth of the memory to KV cache: a published run states its degree, and whether its
     * weights leave room is {@link #kvBlocksPerReplica()}'s to say.
     */
    static EngineConfig of(SystemProfile system, ModelProfile model, int tp) {
        return new EngineConfig(system, model, tp, Math.max(1, system.gpus() / tp), DEFAULT_BATCH_TOKENS, DEFAULT_RUNNING_SEQUENCES,
                LaunchStack.prefixCacheKeepsSessions(system.gpu(), model), 0.9, reserve(model, DEFAULT_BATCH_TOKENS),
                Efficiency.DEFAULT, Speculation.NONE, null, null);
    }

    /**
     * A system serving a model as {@code deployment} lays out its workers, with the defaults of {@link #of(SystemProfile,
     * ModelProfile)} otherwise. Unlike that default, it does not first pick a tensor-parallel degree of its own, so a
     * model too big for the default's rule (weights at most 80% of the usable HBM) can still be served by a layout that
     * leaves room for KV cache; {@link #kvBlocksPerReplica()} says whether it does.
     */
    public static EngineConfig of(SystemProfile system, ModelProfile model, Deployment deployment) {
        EngineConfig provisional = new EngineConfig(system, model, 1, 1, DEFAULT_BATCH_TOKENS, DEFAULT_RUNNING_SEQUENCES,
                LaunchStack.prefixCacheKeepsSessions(system.gpu(), model), 0.9, reserve(model, DEFAULT_BATCH_TOKENS),
                Efficiency.DEFAULT, Speculation.NONE, null, null);
        return provisional.withDeployment(deployment);
    }

    /** The widest tensor-parallel degree a default replica uses: one 8-GPU NVLink node (HGX, or a quarter-rack of NVL72 trays). */
    static final int MAX_DEFAULT_TENSOR_PARALLEL = 8;

    /**
     * The largest power-of-two degree up to {@value #MAX_DEFAULT_TENSOR_PARALLEL} that divides the system's GPUs and
     * fits its scale-up domain, so a system runs as few replicas as it can. Agentic traffic is bound by KV capacity:
     * every agent's context stays cached through its tool time for its next turn to hit, and each replica spends HBM on
     * its own copy of the weights, so fewer, wider replicas hold more contexts; they also decode each token faster,
     * since a step reads 1/TP of the weights per GPU. Both make TP8 serve more agents than two TP4 replicas of
     * llama-3.1-70b on h200x8 at every tier (docs/simulator.md). Degrees beyond 8 would cross NVLink nodes or spend
     * more on all-reduces than they save, and no published recipe uses them for tensor parallelism. The weights must
     * leave room for KV cache: at most 80% of 90% of the replica's HBM.
     */
    static int defaultTensorParallel(SystemProfile system, ModelProfile model) {
        int tp = widestDefaultWidth(system);
        if (weightBytes(model, tp) <= 0.8 * 0.9 * tp * system.gpu().hbmBytes()) return tp;
        throw new IllegalArgumentException("model " + model.name() + " (" + Math.round(model.weightBytes() / 1e9)
                + " GB of weights) does not fit on " + system.name() + " with room for KV cache");
    }

    /**
     * The largest power-of-two degree up to {@value #MAX_DEFAULT_TENSOR_PARALLEL} that divides the system's GPUs and
     * fits its scale-up domain, whatever the model: the default worker's width.
     */
    static int widestDefaultWidth(SystemProfile system) {
        int limit = Math.min(MAX_DEFAULT_TENSOR_PARALLEL, Math.min(system.gpus(), system.scaleUpDomain()));
        int tp = Integer.highestOneBit(limit);
        while (system.gpus() % tp != 0) tp /= 2;
        return tp;
    }

    /**
     * Activation reserve per GPU: a fixed part, a few hidden-size activations per batched token and, for a MoE model,
     * its MoE workspace.
     */
    private static double reserve(ModelProfile model, int batchTokens) {
        return FIXED_RESERVE_BYTES + 4.0 * batchTokens * model.hiddenSize() * 2 + moeWorkspaceBytes(model, batchTokens);
    }

    /**
     * The buffers a MoE layer holds for every routed copy of a step's tokens, as TensorRT-LLM's fused MoE sizes its
     * workspace: the permuted input (hidden), the first GEMM's gate and up outputs (2 x intermediate), the gated
     * activation (intermediate) and the second GEMM's output (hidden), in BF16. With data-parallel attention every GPU's
     * MoE layer sees the whole replica's tokens. The intermediate size follows from the routed weights: 3 x hidden x
     * intermediate per expert per layer.
     */
    static double moeWorkspaceBytes(ModelProfile model, int batchTokens) {
        if (!model.moe()) return 0;
        double intermediate = model.routedExpertParameters() / (model.experts() * model.layers() * 3.0 * model.hiddenSize());
        return (double) batchTokens * model.expertsPerToken() * 2 * (2.0 * model.hiddenSize() + 3 * intermediate);
    }

    /** GPUs the replicas occupy (the rest of the system idles). */
    public int gpusUsed() {
        return deployment != null ? deployment.gpus() : tensorParallel * replicas;
    }

    /**
     * Serves as {@code d} lays out: its pools' workers, degrees and limits, its longest sequence, its MTP draft tokens
     * (when above 0; else the speculation stays as it is) and its routing. The replica fields follow the generation
     * (or unified) pool: {@code tensorParallel} its GPUs per worker, {@code maxBatchTokens} and
     * {@code maxRunningSequences} its limits; {@code replicas} counts every worker. KV moves from a context to a
     * generation worker over the scale-up fabric when every pool fits in one domain, else over RDMA, every GPU of the
     * context worker sending at once.
     *
     * @throws IllegalArgumentException naming the deployment, system and model when it does not fit
     */
    public EngineConfig withDeployment(Deployment d) {
        Pool serving = d.disaggregated() ? d.generation() : d.unified();
        Disaggregation disaggregated = null;
        if (d.disaggregated()) {
            double perGpu = d.gpus() <= system.scaleUpDomain() ? system.gpu().scaleUpBytesPerSecond()
                    : system.scaleOutBytesPerSecondPerGpu();
            disaggregated = new Disaggregation(d.context().workers(), d.generation().workers(),
                    perGpu * d.context().tensorParallel());
        }
        int workers = d.pools().stream().mapToInt(Pool::workers).sum();
        EngineConfig c = new EngineConfig(system, model, serving.tensorParallel(), workers, serving.maxBatchTokens(),
                serving.maxBatchSequences(), prefixCaching, memoryUtilisation, reserve(model, serving.maxBatchTokens()),
                efficiency, d.mtpTokens() > 0 ? Speculation.mtp(d.mtpTokens()) : speculation, disaggregated, d);
        for (Pool p : d.pools()) {
            try {
                c.pool(p).kvBlocksPerReplica();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("deployment " + d + ": " + e.getMessage());
            }
        }
        return c;
    }

    /**
     * The deployment this configuration serves: the one given to {@link #withDeployment}, else the layout the replica
     * fields describe (a MoE model on several GPUs with attention data-parallel and expert parallelism at the full
     * degree, as {@link #expertParallel()} says).
     */
    public Deployment servedDeployment() {
        if (deployment != null) return deployment;
        int degree = expertParallel(model, tensorParallel) ? tensorParallel : 1;
        if (disaggregation == null) {
            return new Deployment(new Pool(replicas, tensorParallel, degree, degree, maxRunningSequences, maxBatchTokens),
                    null, null, 0, 0, Routing.CACHE_AWARE);
        }
        return new Deployment(null,
                new Pool(disaggregation.prefillReplicas(), tensorParallel, degree, degree, maxRunningSequences, maxBatchTokens),
                new Pool(disaggregation.decodeReplicas(), tensorParallel, degree, degree, maxRunningSequences, maxBatchTokens),
                0, 0, Routing.CACHE_AWARE);
    }

    /**
     * The layouts {@code agentload bench --deployment auto} searches on this system and model, by name ({@code unified},
     * {@code disagg-1to1}, {@code disagg-1to3}, and on an NVL72 rack serving a MoE model {@code wide-ep} and
     * {@code wide-ep-unified}), those whose weights fit; docs/simulator.md, "Deployments".
     */
    public Map<String, Deployment> candidateDeployments() {
        return DeploymentCandidates.of(this);
    }

    /**
     * The layouts {@code agentload bench --deployment auto} searches with the defaults of {@link #of(SystemProfile,
     * ModelProfile)}, also for a model that the default layout's rule refuses (DeepSeek V4 Pro on an HGX H200 fits only
     * with attention data-parallel): each layout alone decides whether the weights leave room for KV cache, as for
     * {@link #of(SystemProfile, ModelProfile, Deployment)}. Empty when none does.
     */
    public static Map<String, Deployment> candidateDeployments(SystemProfile system, ModelProfile model) {
        return DeploymentCandidates.of(of(system, model, widestDefaultWidth(system)));
    }

    /** The same deployment routed by {@code r} ({@link Routing#CONVERSATION}: conversation affinity). */
    public EngineConfig withRouting(Routing r) {
        if (deployment == null && r == Routing.CACHE_AWARE) return this;
        return new EngineConfig(system, model, tensorParallel, replicas, maxBatchTokens, maxRunningSequences,
                prefixCaching, memoryUtilisation, activationReserveBytes, efficiency, speculation, disaggregation,
                servedDeployment().withRouting(r));
    }

    /** How requests are routed within a pool. */
    public Routing routing() {
        return deployment == null ? Routing.CACHE_AWARE : deployment.routing();
    }

    /** The longest prompt plus output served: the deployment's max sequence, or the model's context. */
    public int maxSequenceTokens() {
        return deployment == null || deployment.maxSequenceTokens() == 0 ? model.maxContextTokens()
                : Math.min(deployment.maxSequenceTokens(), model.maxContextTokens());
    }

    /** One worker's degrees: the configured deployment's generation (or unified) pool, else the implicit one. */
    Pool layout() {
        Deployment d = servedDeployment();
        return d.disaggregated() ? d.generation() : d.unified();
    }

    /**
     * This configuration as one pool's workers see it: its degrees and limits in the replica fields and the deployment,
     * the rest (transfer link, speculation, efficiency) as it is. The engine builds each pool's workers from it.
     */
    EngineConfig pool(Pool p) {
        Deployment d = servedDeployment();
        return new EngineConfig(system, model, p.tensorParallel(), p.workers(), p.maxBatchTokens(), p.maxBatchSequences(),
                prefixCaching, memoryUtilisation, reserve(model, p.maxBatchTokens()), efficiency, speculation,
                disaggregation, new Deployment(p, null, null, d.maxSequenceTokens(), d.mtpTokens(), d.routing()));
    }

    /**
     * Whether the replica serves a MoE model as the MoE deployments of TensorRT-LLM, SGLang and vLLM do on several
     * GPUs: data-parallel attention (each GPU holds all attention weights and its own sequences' whole KV cache),
     * the routed experts split across the GPUs (expert parallelism), the other weights split as with tensor parallelism.
     */
    public boolean expertParallel() {
        return deployment == null ? expertParallel(model, tensorParallel) : model.moe() && layout().expertParallel() > 1;
    }

    private static boolean expertParallel(ModelProfile model, int tp) {
        return model.moe() && tp > 1;
    }

    /**
     * Bytes of weights one replica holds: one copy, plus with data-parallel attention every weight outside the routed
     * experts on every rank ({@link ModelProfile#rankWeightBytes}).
     */
    public double weightBytesPerReplica() {
        if (deployment == null) return weightBytes(model, tensorParallel);
        return model.weightBytes(layout().attentionDataParallel());
    }

    private static double weightBytes(ModelProfile model, int tp) {
        return model.weightBytes(expertParallel(model, tp) ? tp : 1);
    }

    /**
     * KV cache blocks of {@value KvBlocks#BLOCK_TOKENS} tokens one replica holds: HBM left after weights and reserve,
     * over the bytes a block takes on all its GPUs ({@link #kvCopies()} copies of it).
     */
    public int kvBlocksPerReplica() {
        double bytes = tensorParallel * (memoryUtilisation * system.gpu().hbmBytes() - activationReserveBytes)
                - weightBytesPerReplica();
        double blockBytes = KvBlocks.BLOCK_TOKENS * model.kvBytesPerContextToken() * kvCopies();
        long blocks = (long) Math.floor(bytes / blockBytes);
        if (blocks <= 0) {
            throw new IllegalArgumentException("serving " + model.name() + " on " + system.name() + " at TP"
                    + tensorParallel + ": weights leave no room for KV cache");
        }
        return (int) Math.min(Integer.MAX_VALUE, blocks);
    }

    /**
     * Copies of each KV entry a worker caches: its attention runs on tensorParallel / attentionDataParallel GPUs per
     * data-parallel replica, which shard the KV heads and duplicate them beyond the model's KV heads
     * ({@link ModelProfile#kvCopies}).
     */
    double kvCopies() {
        Pool p = layout();
        return model.kvCopies(p.tensorParallel() / p.attentionDataParallel());
    }

    /** Another model; tensor parallelism and replicas go back to that model's defaults on this system. */
    public EngineConfig withModel(ModelProfile m) {
        int tp = defaultTensorParallel(system, m);
        return new EngineConfig(system, m, tp, system.gpus() / tp, maxBatchTokens, maxRunningSequences, prefixCaching,
                memoryUtilisation, reserve(m, maxBatchTokens), efficiency, speculation, null, null);
    }

    /** Another tensor-parallel degree, with as many replicas as the system's GPUs allow. */
    public EngineConfig withTensorParallel(int tp) {
        return new EngineConfig(system, model, tp, Math.max(1, system.gpus() / tp), maxBatchTokens, maxRunningSequences,
                prefixCaching, memoryUtilisation, activationReserveBytes, efficiency, speculation, null, null);
    }

    /** Another number of replicas (fewer than fit leaves GPUs idle). */
    public EngineConfig withReplicas(int count) {
        return new EngineConfig(system, model, tensorParallel, count, maxBatchTokens, maxRunningSequences, prefixCaching,
                memoryUtilisation, activationReserveBytes, efficiency, speculation, null, null);
    }

    /** Another step token budget (the activation reserve follows it); with a deployment, every pool's. */
    public EngineConfig withMaxBatchTokens(int tokens) {
        return new EngineConfig(system, model, tensorParallel, replicas, tokens, maxRunningSequences, prefixCaching,
                memoryUtilisation, reserve(model, tokens), efficiency, speculation, disaggregation,
                deployment == null ? null : deployment.withLimits(0, tokens));
    }

    /** Another limit of sequences per replica; with a deployment, every pool's. */
    public EngineConfig withMaxRunningSequences(int count) {
        return new EngineConfig(system, model, tensorParallel, replicas, maxBatchTokens, count, prefixCaching,
                memoryUtilisation, activationReserveBytes, efficiency, speculation, disaggregation,
                deployment == null ? null : deployment.withLimits(count, 0));
    }

    /** Prefix caching on or off. */
    public EngineConfig withPrefixCaching(boolean on) {
        return new EngineConfig(system, model, tensorParallel, replicas, maxBatchTokens, maxRunningSequences, on,
                memoryUtilisation, activationReserveBytes, efficiency, speculation, disaggregation, deployment);
    }

    /** Another share of HBM for the engine. */
    public EngineConfig withMemoryUtilisation(double share) {
        return new EngineConfig(system, model, tensorParallel, replicas, maxBatchTokens, maxRunningSequences,
                prefixCaching, share, activationReserveBytes, efficiency, speculation, disaggregation, deployment);
    }

    /** Other efficiency factors. */
    public EngineConfig withEfficiency(Efficiency e) {
        return new EngineConfig(system, model, tensorParallel, replicas, maxBatchTokens, maxRunningSequences,
                prefixCaching, memoryUtilisation, activationReserveBytes, e, speculation, disaggregation, deployment);
    }

    /** Speculative decoding with {@code draftTokens} per step, each accepted with {@code acceptanceRate}. */
    public EngineConfig withSpeculation(int draftTokens, double acceptanceRate) {
        return withSpeculation(new Speculation(draftTokens, acceptanceRate, 0.05));
    }

    /** Speculative decoding with every figure given. */
    public EngineConfig withSpeculation(Speculation s) {
        return new EngineConfig(system, model, tensorParallel, replicas, maxBatchTokens, maxRunningSequences,
                prefixCaching, memoryUtilisation, activationReserveBytes, efficiency, s, disaggregation, deployment);
    }

    /**
     * Separate prefill and decode replicas (same tensor-parallel degree). KV moves over the scale-up fabric when
     * both pools sit in one NVLink/Infinity Fabric domain, else over RDMA; either way every GPU of the prefill replica
     * sends its shard at once.
     */
    public EngineConfig withDisaggregation(int prefillReplicas, int decodeReplicas) {
        boolean scaleUp = (prefillReplicas + decodeReplicas) * tensorParallel <= system.scaleUpDomain();
        double perGpu = scaleUp ? system.gpu().scaleUpBytesPerSecond() : system.scaleOutBytesPerSecondPerGpu();
        return withDisaggregation(new Disaggregation(prefillReplicas, decodeReplicas, perGpu * tensorParallel));
    }

    /** Separate prefill and decode replicas with a given transfer bandwidth. */
    public EngineConfig withDisaggregation(@Nullable Disaggregation d) {
        return new EngineConfig(system, model, tensorParallel, d.prefillReplicas() + d.decodeReplicas(),
                maxBatchTokens, maxRunningSequences, prefixCaching, memoryUtilisation, activationReserveBytes,
                efficiency, speculation, d, null);
    }
}
