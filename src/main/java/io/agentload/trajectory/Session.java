package io.agentload.trajectory;

import java.util.List;

/**
 * One agent's conversation: its turns in order. Agents replay sessions turn by turn.
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
        }
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
