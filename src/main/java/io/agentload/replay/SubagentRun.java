package io.agentload.replay;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Session;

/**
 * One subagent session replayed beside its parent, for the parent's agent, on a lane of its own (docs/design.md,
 * "Subagents and compaction"): it starts when the parent's spawning turn has ended, replays its turns as an
 * {@link Agent} does (each after the previous turn's tool time), and ends with its last response, which its parent
 * waits for. Its salt derives from the parent replay's and its session, so a replay is deterministic and shares no
 * cache with another replay of the same subagent.
 */
final class SubagentRun {

    final int agent;
    final int parentLane;
    private final Session session;
    private final long salt;
    private PromptLayout layout;
    private int turn;
    private boolean inFlight;

    SubagentRun(int agent, int parentLane, Session session, long parentSalt) {
        this.agent = agent;
        this.parentLane = parentLane;
        this.session = session;
        this.salt = Agent.mix(parentSalt ^ Agent.mix(session.sessionId().hashCode() + 0x9E3779B97F4A7C15L));
        this.layout = PromptLayout.first(session.turns().get(0));
    }

    Session session() {
        return session;
    }

    /** The turn to send next, or the last one sent while it is in flight. */
    int turn() {
        return turn;
    }

    long salt() {
        return salt;
    }

    /** The request for the current turn, sent on {@code lane} at {@code now}. */
    TurnRequest send(int trial, int lane, double now, RequestRecord.Phase phase) {
        if (inFlight) throw new IllegalStateException("subagent " + session.sessionId() + " already in flight");
        inFlight = true;
        return new TurnRequest(trial, agent, lane, session.turns().get(turn), layout, salt,
                Math.max(1, session.turns().get(turn).outputTokens()), phase, now);
    }

    /**
     * The request in flight ended at {@code endTime}: returns when the next turn is due (after the tool time), or NaN
     * when that was the session's last turn and the subagent has returned.
     */
    double completed(double endTime) {
        if (!inFlight) throw new IllegalStateException("subagent " + session.sessionId() + " has no request in flight");
        inFlight = false;
        double toolTime = session.turns().get(turn).toolTimeMs() / 1000.0;
        if (++turn == session.turns().size()) return Double.NaN;
        layout = layout.next(session.turns().get(turn));
        return endTime + toolTime;
    }
}
