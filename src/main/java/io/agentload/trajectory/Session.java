package io.agentload.trajectory;

import java.util.List;

/**
 * One agent's conversation: its turns in order. Agents replay sessions turn by turn. A subagent session names its
 * parent on every turn ({@link Turn#parentSessionId()}, {@link Turn#parentTurn()}): it starts after that parent turn
 * and the parent's next turn waits for it.
 *
 * @param sessionId unique per session
 * @param language  primary programming language of the task's repository
 * @param turns     the session's turns, ordered by {@link Turn#turn()}
 */
public record Session(String sessionId, String language, List<Turn> turns) {

    public Session {
        turns = List.copyOf(turns);
        if (turns.isEmpty()) throw new IllegalArgumentException("session " + sessionId + " has no turns");
        for (int i = 0; i < turns.size(); i++) {
            Turn t = turns.get(i);
            if (!t.sessionId().equals(sessionId)) {
                throw new IllegalArgumentException("turn " + t.turn() + " of session " + t.sessionId()
                        + " listed under session " + sessionId);
            }
            if (t.turn() != i) {
                throw new IllegalArgumentException("session " + sessionId + ": expected turn " + i + ", found " + t.turn());
            }
            Turn first = turns.get(0);
            if (!t.parentSessionId().equals(first.parentSessionId()) || t.parentTurn() != first.parentTurn()) {
                throw new IllegalArgumentException("session " + sessionId + ": turn " + t.turn() + " names parent "
                        + parent(t) + ", turn 0 names " + parent(first) + "; a session has one parent");
            }
        }
    }

    private static String parent(Turn t) {
        return t.subagent() ? t.parentSessionId() + " turn " + t.parentTurn() : "none";
    }

    /** The session that spawned this one, empty for a top-level session. */
    public String parentSessionId() {
        return turns.get(0).parentSessionId();
    }

    /** The parent's turn after which this subagent starts, -1 for a top-level session. */
    public int parentTurn() {
        return turns.get(0).parentTurn();
    }

    /** Whether a parent session spawned this one. */
    public boolean subagent() {
        return turns.get(0).subagent();
    }

    /** How many of its turns compact the context. */
    public int compactions() {
        return (int) turns.stream().filter(Turn::compaction).count();
    }

    /** Total input tokens over all turns. */
    public long inputTokens() {
        return turns.stream().mapToLong(Turn::inputTokens).sum();
    }

    /** Total output tokens over all turns. */
    public long outputTokens() {
        return turns.stream().mapToLong(Turn::outputTokens).sum();
    }
}
