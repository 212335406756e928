/**
 * The serving simulator: an iteration-level model of a continuous-batching engine (vLLM v1's scheduler) on a
 * hardware profile, so that "how many agents would this system serve, per megawatt?" has an answer before anyone owns
 * the hardware. Entry points: {@link io.agentload.sim.Engine}, configured by {@link io.agentload.sim.EngineConfig}
 * from a {@link io.agentload.sim.SystemProfile} and a {@link io.agentload.sim.ModelProfile}, and
 * {@link io.agentload.sim.SimServer}, which runs an engine in real time behind vLLM's OpenAI-compatible HTTP API.
 *
 * <pre>{@code
 * Engine engine = Engine.create(EngineConfig.of("h200x8", "llama-3.1-70b"));
 * engine.submit(new Engine.Request("r1", 30_000, layout.blockHashes(16, salt), 200), 0.0);
 * double idleAt = engine.drain(0.0, listener);
 * }</pre>
 *
 * <h2>The model</h2>
 * <ul>
 *   <li><b>Replicas.</b> A system runs {@code replicas} engines of {@code tensorParallel} GPUs each, by default one
 *       per 8-GPU NVLink node, since agentic traffic is bound by KV capacity and wider replicas hold more of it. A
 *       MoE model on several GPUs runs data-parallel attention (attention weights on every GPU, each GPU its own
 *       sequences' KV cache) with its routed experts split across the GPUs (expert parallelism). Requests go to the replica caching the longest prefix when it covers
 *       at least half of the prompt, else to the least loaded one (SGLang's cache-aware router).</li>
 *   <li><b>Scheduler (per replica, per step).</b> Running sequences first, in admission order: one decode token each
 *       (k+1 with speculative decoding) or the next prefill chunk, under a token budget ({@code maxBatchTokens},
 *       default 8192) and a sequence limit (1024). When KV blocks run out the newest running sequence is preempted
 *       (blocks freed, recomputed later, as vLLM does by default). Waiting sequences are admitted only in a step
 *       without preemption, with blocks for their first chunk.</li>
 *   <li><b>KV cache.</b> Blocks of 16 tokens; capacity = TP x (90% of HBM - activation reserve) - weights (with
 *       expert parallelism, the attention weights once per GPU). Full blocks
 *       are registered under the caller's chained block hashes; finished or preempted sequences leave them cached on
 *       an LRU list (tail blocks first), evicted only when no free block is left. A hit counts whole blocks, and at
 *       least the prompt's last token is always computed.</li>
 *   <li><b>Step time</b> (docs/simulator.md, "The model, step by step"): max(matrix and attention FLOPs / (peak x MFU),
 *       weights + KV bytes / (bandwidth x MBU)) + two ring all-reduces per layer + a fixed overhead + draft passes. A
 *       MoE step reads the experts that at least one of its tokens uses, at the grouped GEMMs' lower bandwidth (expert
 *       MBU); with expert parallelism the busiest GPU's experts set the time (their measured load imbalance), attention
 *       weights are read on every GPU, and an all-gather plus a reduce-scatter per layer replace the all-reduces.
 *       Sliding-window layers attend to their window only.</li>
 *   <li><b>Speculative decoding:</b> (1 - a^(k+1)) / (1 - a) tokens per verification step, emitted deterministically
 *       (a running fraction per sequence), each step processing k+1 tokens per sequence plus k draft passes.</li>
 *   <li><b>Disaggregation:</b> prefill replicas hand finished prefills to decode replicas, which reserve blocks and
 *       receive the KV cache not already cached there over a FIFO link; the first token appears when it lands.</li>
 *   <li><b>Power:</b> per GPU, idle + (TDP - idle) x activity, where activity is the share of the step spent at
 *       attainable FLOP/s, or 0.7 x the share spent streaming memory; idle replicas and unused GPUs draw idle power.
 *       The rest of the node or rack draws half its maximum at idle, rising linearly with mean GPU activity.</li>
 * </ul>
 *
 * <h2>Where it is knowingly wrong</h2>
 * No kernel-level effects beyond the documented MoE factors (attention kernel choice, CUDA graph padding, MoE
 * workspace memory, per-layer launch costs of small MoE models); communication never overlaps compute; data-parallel
 * attention ranks are scheduled apart but without TensorRT-LLM's attention-DP balancing; FP4 matrix products are costed at the datasheet rate x MFU, which
 * published B200 figures do not reach; speculative acceptance is a constant rate; the KV link has no latency; power is a linear function of a utilisation
 * estimate, not a measurement. Calibration against published figures is in {@code docs/calibration.md}.
 */
@NullMarked
package io.agentload.sim;

import org.jspecify.annotations.NullMarked;
