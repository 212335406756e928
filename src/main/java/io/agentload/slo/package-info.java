/**
 * Service-level tiers and the concurrency search: per-trial metrics from request records, each tier's verdict,
 * the search for the largest number of agents a system serves per tier, and Agents per Megawatt. Entry points:
 * {@link io.agentload.slo.SloSearch} and {@link io.agentload.slo.SloTier}.
 */
package io.agentload.slo;
