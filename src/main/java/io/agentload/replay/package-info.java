/**
 * Closed-loop replay of agent sessions: the agents (a deterministic state machine per agent), the trial they run
 * in (warm-up, measurement window, cool-down), one {@link io.agentload.replay.RequestRecord} per request, and the
 * run folder that keeps them ({@link io.agentload.replay.Run}). Drivers move the agents: in virtual time against
 * the simulator, in real time against an HTTP endpoint; both implement {@link io.agentload.replay.TrialRunner}.
 * Entry points: {@link io.agentload.replay.Run} and {@link io.agentload.replay.RequestRecord}; the drivers
 * {@link io.agentload.replay.VirtualTimeDriver} and {@link io.agentload.replay.RealTimeDriver}.
 */
package io.agentload.replay;
