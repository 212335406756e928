/**
 * Analyses of trajectories and benchmark runs, each one call returning a Tablesaw table and the XChart chart drawn
 * from it: input, output and tool-time distributions, languages, context growth, prefix reuse; SLO curves,
 * throughput and power against concurrency; Agents per Megawatt by system and tier; agentic against fixed-length
 * chat traffic. Entry points: {@link io.agentload.analysis.Analysis} and {@link io.agentload.analysis.Figure}.
 */
@NullMarked
package io.agentload.analysis;

import org.jspecify.annotations.NullMarked;
