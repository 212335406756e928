/**
 * Benchmark runs: closed-loop agents replay coding-agent sessions turn by turn against the embedded simulator in
 * virtual time ({@link io.agentload.replay.Simulation}) or an OpenAI-compatible endpoint in real time
 * ({@link io.agentload.replay.Replay}), and an SLO search finds, per {@link io.agentload.replay.SloTier}, the most
 * concurrent agents a system serves. Results: {@link io.agentload.replay.SloResult} and
 * {@link io.agentload.replay.ReplayResult} per search, {@link io.agentload.replay.TrialMetrics} per trial, one
 * {@link io.agentload.replay.RequestRecord} per request, kept in a {@link io.agentload.replay.Run} folder. The
 * agents, drivers, trial phases and the search itself are package-private.
 */
@NullMarked
package io.agentload.replay;

import org.jspecify.annotations.NullMarked;
