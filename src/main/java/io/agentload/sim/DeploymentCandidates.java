package io.agentload.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The small set of layouts {@code agentload bench --deployment auto} searches on a system (docs/simulator.md,
 * "Deployments"), each kept only when the model's weights leave KV room on its workers. With {@code g} the default
 * worker width (one 8-GPU NVLink node, {@link EngineConfig#widestDefaultWidth}) and {@code N} the system's GPUs:
 * <ul>
 *   <li>{@code unified}: N/g workers of g GPUs doing prefill and decode (the default layout);</li>
 *   <li>{@code disagg-1to1} and {@code disagg-1to3}: prefill and decode workers in about those proportions, the
 *       widest power-of-two width up to g that gives enough workers for the ratio (on one 8-GPU node: 1+1 of four
 *       GPUs, AA's B300 shape, and 1+3 of two);</li>
 *   <li>on a scale-up domain of 16 or more GPUs serving a MoE model, wide expert parallelism: {@code wide-ep}, a
 *       quarter of the nodes as prefill workers of g GPUs and one decode worker over the rest, and
 *       {@code wide-ep-unified}, one worker over the whole domain.</li>
 * </ul>
 * MoE workers run attention data-parallel with expert parallelism at the worker's width, as their serving engines
 * deploy them; every candidate routes cache-aware and keeps the base configuration's scheduler limits, as the engine
 * that would serve it applies them ({@link #perRankLimits}): on NVIDIA Blackwell to each attention data-parallel rank,
 * elsewhere to the worker, whose ranks divide them.
 */
final class DeploymentCandidates {

    private DeploymentCandidates() {
    }

    static Map<String, EngineConfig.Deployment> of(EngineConfig base) {
        SystemProfile system = base.system();
        int g = EngineConfig.widestDefaultWidth(system);
        int n = system.gpus();
        Map<String, EngineConfig.Deployment> candidates = new LinkedHashMap<>();
        add(candidates, "unified", base, unified(base, n / g, g));
        add(candidates, "disagg-1to1", base, split(base, g, 1));
        add(candidates, "disagg-1to3", base, split(base, g, 3));
        if (base.model().moe() && system.scaleUpDomain() >= 16 && n >= 16) {
            int domain = Math.min(n, system.scaleUpDomain());
            int prefill = Math.max(1, Math.round(domain / (float) g / 4));
            add(candidates, "wide-ep", base, new EngineConfig.Deployment(null, pool(base, prefill, g),
                    pool(base, 1, domain - prefill * g), 0, 0, EngineConfig.Routing.CACHE_AWARE));
            add(candidates, "wide-ep-unified", base, unified(base, 1, domain));
        }
        return candidates;
    }

    /** Prefill and decode workers about 1 : {@code ratio}, of the widest width giving {@code ratio + 1} workers. */
    private static EngineConfig.Deployment split(EngineConfig base, int g, int ratio) {
        int width = g;
        while (width > 1 && base.system().gpus() / width < ratio + 1) width /= 2;
        int workers = base.system().gpus() / width;
        if (workers < ratio + 1) return null;
        int prefill = Math.max(1, workers / (ratio + 1));
        return new EngineConfig.Deployment(null, pool(base, prefill, width), pool(base, workers - prefill, width), 0, 0,
                EngineConfig.Routing.CACHE_AWARE);
    }

    private static EngineConfig.Deployment unified(EngineConfig base, int workers, int width) {
        return new EngineConfig.Deployment(pool(base, workers, width), null, null, 0, 0, EngineConfig.Routing.CACHE_AWARE);
    }

    private static EngineConfig.Pool pool(EngineConfig base, int workers, int width) {
        int degree = base.model().moe() ? width : 1;
        int ranks = perRankLimits(base.system().gpu()) ? degree : 1;
        return new EngineConfig.Pool(workers, width, degree, degree, base.maxRunningSequences() * ranks,
                base.maxBatchTokens() * ranks);
    }

    /** NVIDIA's Blackwell GPUs of the built-in catalogue (gpus.csv), the GPUs TensorRT-LLM serves DeepSeek V4 on. */
    private static final Set<String> BLACKWELL = Set.of("b200", "b300", "gb200", "gb300");

    /**
     * Whether the engines that serve a tuned deployment on {@code gpu} apply the scheduler limits to each attention
     * data-parallel rank, so that a worker of n ranks takes n times them (a {@link EngineConfig.Pool}'s limits are its
     * worker's). True on NVIDIA Blackwell, where vendors submit TensorRT-LLM ("DeepSeek-V4 is only supported on
     * Blackwell GPUs (SM100+)"; AA-AgentPerf's B300 configuration is TensorRT-LLM's) or vLLM: TensorRT-LLM's
     * {@code --max_batch_size} is the "Max batch size in each rank" (its DeepSeek-R1 guide) and every attention
     * data-parallel rank runs its own executor with the same {@code max_num_tokens}; vLLM deploys "each DP rank ... as
     * a separate core engine" with its own scheduler and {@code max_num_seqs} / {@code max_num_batched_tokens}
     * (vLLM's data-parallel deployment guide, docs.vllm.ai). SGLang instead divides {@code --max-running-requests} and
     * {@code --chunked-prefill-size} by {@code dp_size}, the rule kept elsewhere (Hopper's V4 launch engines mixed vLLM
     * and SGLang: {@link LaunchStack}; other GPUs are not decided by public evidence here).
     */
    static boolean perRankLimits(SystemProfile.Gpu gpu) {
        return BLACKWELL.contains(gpu.name());
    }

    /** Keeps a candidate that the system can serve: weights that leave KV room on every worker. */
    private static void add(Map<String, EngineConfig.Deployment> to, String name, EngineConfig base,
                            EngineConfig.Deployment d) {
        if (d == null) return;
        try {
            base.withDeployment(d);
            to.put(name, d);
        } catch (IllegalArgumentException doesNotFit) {
            // Left out: e.g. a 671 GB model on workers of two GPUs.
        }
    }
}
