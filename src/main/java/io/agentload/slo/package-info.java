/**
 * Service-level tiers and the concurrency search: per-trial metrics from request records, each tier's verdict,
 * the search for the largest number of agents a system serves per tier, and Agents per Megawatt. Entry points:
 * {@link io.agentload.slo.SloSearch} and {@link io.agentload.slo.SloTier}; the benchmarks on a target,
 * {@link io.agentload.slo.Simulation} (the simulator, virtual time) and {@link io.agentload.slo.Replay} (an
 * endpoint, real time).
 */
package io.agentload.slo;
