package io.agentload.replay;

import io.agentload.trajectory.Session;

/**
 * One subagent session replayed beside its parent, for the parent's agent, on a lane of its own (docs/design.md,
 * "Subagents and compaction"): it starts when the parent's spawning turn has ended, replays its turns as an
 * {@link Agent} does (each after the previous turn's tool time), and ends with its last response, which its parent
 * waits for. Its salt derives from the parent replay's and its session, so a replay is deterministic and shares no
 * cache with another replay of the same subagent.
 */
final class SubagentRun extends Lane {

    SubagentRun(int agent, int parentLane, Session session, long parentSalt) {
        super(agent, parentLane);
        start(session, Agent.mix(parentSalt ^ Agent.mix(session.sessionId().hashCode() + 0x9E3779B97F4A7C15L)));
    }

    /** The subagent's session ended with its last response: it returns to its parent (NaN). */
    @Override
    double sessionEnded(double wake) {
        return Double.NaN;
    }

    @Override
    public String toString() {
        return "subagent " + session().sessionId() + " of agent " + agent;
    }
}
