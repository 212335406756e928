package io.agentload.replay;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Session;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One closed-loop agent (docs/design.md, "Agents, drivers and time"): it replays a session turn by turn, waits for each
 * response and then the turn's tool time, and takes the next session when one ends. It never blocks: a driver asks it
 * for its request when it is due and tells it when the request completed.
 *
 * <p>Its first session starts at a random turn, after a random part of the previous turn's tool time, so that N
 * agents do not all start cold at turn 0 at once and steady state comes fast. Sessions come from a shuffled order of
 * all sessions that the trial's agents share, each agent walking it from its own random position (one shared array
 * rather than one shuffle per agent keeps memory at O(sessions), not O(agents x sessions)); later sessions start at
 * turn 0, and one pass replays every session once. Every choice derives from the seed,
 * so an agent is deterministic; each (agent, session) replay draws a new salt, so two agents replaying one session
 * (or one agent replaying it twice) never share cache that real agents would not share.
 *
 * <p>The agent holds the prompt layout of its current turn only, built from the previous one as it goes.
 */
final class Agent {

    private final int id;
    private final List<Session> sessions;
    private final SplittableRandom random;
    private final long saltBase;
    private final int[] order;
    private int nextInOrder;
    private int replays;
    private Session session;
    private PromptLayout layout;
    private int turn;
    private long salt;
    private final double startDelay;
    private boolean inFlight;

    /**
     * @param order a shuffled order of session indices, shared by the trial's agents and never modified
     */
    Agent(int id, List<Session> sessions, int[] order, long seed) {
        this.id = id;
        this.sessions = sessions;
        this.order = order;
        this.random = new SplittableRandom(seed);
        this.saltBase = random.nextLong();
        this.nextInOrder = random.nextInt(order.length);
        startSession();
        int start = random.nextInt(session.turns().size());
        for (int k = 1; k <= start; k++) layout = layout.next(session.turns().get(k));
        this.turn = start;
        this.startDelay = turn == 0 ? 0 : random.nextDouble() * session.turns().get(turn - 1).toolTimeMs() / 1000.0;
    }

    /** Seconds after the trial's start at which the agent sends its first request. */
    double startDelay() {
        return startDelay;
    }

    /** The session the agent replays now. */
    Session session() {
        return session;
    }

    /** The turn to send next, or the last one sent while it is in flight. */
    int turn() {
        return turn;
    }

    /** The current session replay's salt. */
    long salt() {
        return salt;
    }

    /**
     * How many leading tokens of the current turn's prompt existed before it (the shared prefix and what it reuses of
     * the session so far): what a fleet mid-session would hold cached when the agent sends it.
     */
    int contextTokens() {
        List<PromptLayout.Segment> segments = layout.segments();
        PromptLayout.Segment last = segments.get(segments.size() - 1);
        return last.birthTurn() == turn ? last.start() : layout.inputTokens();
    }

    /** The request for the agent's current turn, sent at {@code now}. */
    TurnRequest send(int trial, double now, RequestRecord.Phase phase) {
        if (inFlight) throw new IllegalStateException("agent " + id + " already has a request in flight");
        inFlight = true;
        return new TurnRequest(trial, id, session.turns().get(turn), layout, salt,
                Math.max(1, session.turns().get(turn).outputTokens()), phase, now);
    }

    /**
     * The in-flight request ended (successfully or not) at {@code endTime}: the agent moves to its next turn and
     * returns when it will send it, after the tool time. A failed turn is not retried: the next turn's prompt does
     * not depend on what the server answered.
     */
    double completed(double endTime) {
        if (!inFlight) throw new IllegalStateException("agent " + id + " has no request in flight");
        inFlight = false;
        double toolTime = session.turns().get(turn).toolTimeMs() / 1000.0;
        turn++;
        if (turn == session.turns().size()) {
            startSession();
        } else {
            layout = layout.next(session.turns().get(turn));
        }
        return endTime + toolTime;
    }

    private void startSession() {
        session = sessions.get(order[nextInOrder]);
        nextInOrder = (nextInOrder + 1) % order.length;
        turn = 0;
        layout = PromptLayout.first(session.turns().get(0));
        salt = mix(saltBase + 0x9E3779B97F4A7C15L * ++replays);
    }

    /** A shuffled order of {@code n} session indices (Fisher-Yates). */
    static int[] shuffledOrder(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** SplitMix64's finaliser: spreads consecutive inputs over all 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
