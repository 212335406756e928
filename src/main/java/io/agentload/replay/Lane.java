package io.agentload.replay;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;

import java.util.List;

/**
 * One lane of an {@link AgentPool}: a closed-loop replay of a session that sends one request at a time, either an
 * agent's own sessions ({@link Agent}) or a subagent's session beside its parent ({@link SubagentRun}). It holds the
 * turn to send next, that turn's prompt layout, the replay's salt, the request in flight and the subagents its last
 * turn is waiting for, so the pool moves every lane the same way.
 */
abstract sealed class Lane permits Agent, SubagentRun {

    /** The top-level agent whose work this is: the lane's requests are recorded and judged with that agent. */
    final int agent;
    /** The lane waiting for this one to return, or -1 for an agent's own lane. */
    final int parentLane;
    private Session session;
    private PromptLayout layout;
    private int turn;
    private long salt;
    private TurnRequest inFlight;
    private boolean primeNext;
    /** Subagents spawned by the lane's last turn still running; the lane is due at {@link #joinWake} once they return. */
    int openSubagents;
    double joinWake;

    Lane(int agent, int parentLane) {
        this.agent = agent;
        this.parentLane = parentLane;
    }

    /** Starts replaying {@code session} at its first turn, with its own salt. */
    final void start(Session session, long salt) {
        this.session = session;
        this.salt = salt;
        this.turn = 0;
        this.layout = PromptLayout.first(session.turns().get(0));
    }

    /** Moves to turn {@code start} of the session just started, building its layout from the turns before it. */
    final void skipTo(int start) {
        for (int k = turn + 1; k <= start; k++) layout = layout.next(session.turns().get(k));
        turn = start;
    }

    /** The session the lane replays now. */
    final Session session() {
        return session;
    }

    /** The turn to send next, or the last one sent while it is in flight. */
    final int turn() {
        return turn;
    }

    /** The current session replay's salt. */
    final long salt() {
        return salt;
    }

    /** The request in flight, or null. */
    final TurnRequest inFlight() {
        return inFlight;
    }

    /**
     * Asks that the lane's next request have the target hold its context cached first, as a fleet mid-session would
     * ({@link TurnRequest#primedTokens()}).
     */
    final void primeNextRequest() {
        primeNext = true;
    }

    /**
     * How many leading tokens of the current turn's prompt existed before it (the shared prefix and what it reuses of
     * the session so far): what a fleet mid-session would hold cached when the lane sends it.
     */
    final int contextTokens() {
        List<PromptLayout.Segment> segments = layout.segments();
        PromptLayout.Segment last = segments.get(segments.size() - 1);
        return last.birthTurn() == turn ? last.start() : layout.inputTokens();
    }

    /** The request for the current turn, sent on {@code lane} at {@code now}. */
    final TurnRequest send(int trial, int lane, double now, RequestRecord.Phase phase) {
        if (inFlight != null) throw new IllegalStateException(this + " already has a request in flight");
        Turn t = session.turns().get(turn);
        TurnRequest request = new TurnRequest(trial, agent, lane, t, layout, salt, Math.max(1, t.outputTokens()),
                phase, now);
        if (primeNext) {
            primeNext = false;
            request = request.withPrimedTokens(contextTokens());
        }
        inFlight = request;
        return request;
    }

    /**
     * The request in flight ended (successfully or not) at {@code endTime}: the lane moves to its next turn and
     * returns when it sends it, after the tool time, or NaN when it has returned ({@link #sessionEnded}). A failed turn
     * is not retried: the next turn's prompt does not depend on what the server answered.
     */
    final double completed(double endTime) {
        if (inFlight == null) throw new IllegalStateException(this + " has no request in flight");
        inFlight = null;
        double wake = endTime + session.turns().get(turn).toolTimeMs() / 1000.0;
        if (++turn == session.turns().size()) return sessionEnded(wake);
        layout = layout.next(session.turns().get(turn));
        return wake;
    }

    /**
     * The session's last turn ended and its tool time runs until {@code wake}: returns when the lane sends next, or
     * NaN when the lane has returned to its parent.
     */
    abstract double sessionEnded(double wake);
}
