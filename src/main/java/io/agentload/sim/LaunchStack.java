package io.agentload.sim;

/**
 * What the serving engines that could run a model on a GPU did with it at AA-AgentPerf's launch (June 2026), where
 * that differs from what the hardware allows (docs/simulator.md, "Launch engines"). One case today: DeepSeek V4
 * (compressed attention, FP4 experts) on a GPU without FP4 tensor cores, i.e. Hopper. TensorRT-LLM serves V4 only
 * on Blackwell ("DeepSeek-V4 is only supported on Blackwell GPUs (SM100+)", its
 * {@code examples/models/core/deepseek_v4/README.md}), so an H100 or H200 runs it on vLLM or SGLang, whose Hopper
 * paths did two things differently:
 * <ul>
 *   <li>their prefix caches lost long agentic sessions' prefixes: vLLM's hybrid KV cache groups for V4 return no hit
 *       once its block pool is under pressure (vllm-project/vllm#42948, DeepSeek-V4-Flash on H200, open), and SGLang's
 *       V4 backend served every turn of long agent sessions with {@code #cached-token: 0} while short requests hit 98%
 *       (sgl-project/sglang#35129, 8 x H20, i.e. Hopper); published H200 recipes run V4 with the prefix cache off
 *       (SemiAnalysisAI/InferenceX#1130: {@code --no-enable-prefix-caching}). So every turn prefills its whole
 *       context;</li>
 *   <li>their FP4 experts run weight-only: the MXFP4 weights are dequantised to BF16 for BF16 tensor cores (vLLM's
 *       Marlin W4A16 MoE is the only V4 expert backend that passes on SM90, vllm-project/vllm#57772 and #53709;
 *       "the current DeepSeek V4 sm90 uses W4A16", sgl-project/sglang#25905), so expert GEMMs run at the BF16 rate,
 *       half of the FP8 rate of TensorRT-LLM's W4A8 kernels that other FP4 MoE models (gpt-oss) get on Hopper.</li>
 * </ul>
 */
final class LaunchStack {

    private LaunchStack() {
    }

    /** Whether the engines that serve {@code model} on {@code gpu} keep long sessions' prefixes in their prefix cache. */
    static boolean prefixCacheKeepsSessions(SystemProfile.Gpu gpu, ModelProfile model) {
        return !hopperV4(gpu, model);
    }

    /** Whether the routed experts run as weight-only FP4 (W4A16) at the BF16 rate, rather than at the FP8 or FP4 rate. */
    static boolean weightOnlyFp4Experts(SystemProfile.Gpu gpu, ModelProfile model) {
        return hopperV4(gpu, model) && model.expertPrecision() == Precision.FP4;
    }

    /** DeepSeek V4's attention kind on a GPU without FP4 tensor cores (which TensorRT-LLM does not serve it on). */
    private static boolean hopperV4(SystemProfile.Gpu gpu, ModelProfile model) {
        return model.compressedAttention() && gpu.fp4Flops() == 0;
    }
}
