package io.agentload.replay;

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
 * <p>The agent holds the prompt layout of its current turn only, built from the previous one as it goes ({@link Lane}).
 */
final class Agent extends Lane {

    private final List<Session> sessions;
    private final long saltBase;
    private final int[] order;
    private int nextInOrder;
    private int replays;
    private final double startDelay;

    /**
     * @param order a shuffled order of session indices, shared by the trial's agents and never modified
     */
    Agent(int id, List<Session> sessions, int[] order, long seed) {
        super(id, -1);
        this.sessions = sessions;
        this.order = order;
        SplittableRandom random = new SplittableRandom(seed);
        this.saltBase = random.nextLong();
        this.nextInOrder = random.nextInt(order.length);
        startSession();
        int start = random.nextInt(session().turns().size());
        skipTo(start);
        this.startDelay = start == 0 ? 0 : random.nextDouble() * session().turns().get(start - 1).toolTimeMs() / 1000.0;
    }

    /** Seconds after the trial's start at which the agent sends its first request. */
    double startDelay() {
        return startDelay;
    }

    /** The session ended: the agent takes the next one in its order, from its first turn, after the tool time. */
    @Override
    double sessionEnded(double wake) {
        startSession();
        return wake;
    }

    private void startSession() {
        Session session = sessions.get(order[nextInOrder]);
        nextInOrder = (nextInOrder + 1) % order.length;
        start(session, mix(saltBase + 0x9E3779B97F4A7C15L * ++replays));
    }

    @Override
    public String toString() {
        return "agent " + agent;
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
