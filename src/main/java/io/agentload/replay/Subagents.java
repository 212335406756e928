package io.agentload.replay;

import io.agentload.trajectory.Session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions of a turn table split into top-level sessions, which agents take in turn, and subagent sessions, each
 * spawned by its parent's turn (docs/design.md, "Subagents and compaction"). A subagent whose parent turn the table
 * does not hold (its parent left out of the file, or a turn the parent never reaches) cannot be spawned, so it is
 * replayed as a top-level session.
 */
final class Subagents {

    /** No subagent sessions: what {@link #of} answers for a turn that spawns none. */
    private static final List<Session> NONE = List.of();

    private final List<Session> topLevel;
    /** Spawned sessions by parent session id, then parent turn, in table order. */
    private final Map<String, Map<Integer, List<Session>>> spawned = new HashMap<>();

    Subagents(List<Session> sessions) {
        Map<String, Integer> turns = new HashMap<>();
        for (Session s : sessions) turns.put(s.sessionId(), s.turns().size());
        List<Session> top = new ArrayList<>(sessions.size());
        for (Session s : sessions) {
            Integer parentTurns = turns.get(s.parentSessionId());
            if (!s.subagent() || parentTurns == null || s.parentTurn() >= parentTurns) {
                top.add(s);
                continue;
            }
            spawned.computeIfAbsent(s.parentSessionId(), k -> new HashMap<>())
                    .computeIfAbsent(s.parentTurn(), k -> new ArrayList<>()).add(s);
        }
        if (top.isEmpty()) throw new ReplayException("every session is a subagent of another: no session to start from");
        this.topLevel = spawned.isEmpty() ? List.copyOf(sessions) : List.copyOf(top);
    }

    /** The sessions agents take in turn: every session but the subagents their parents spawn. */
    List<Session> topLevel() {
        return topLevel;
    }

    /** The subagent sessions that turn {@code turn} of session {@code sessionId} spawns, in table order. */
    List<Session> of(String sessionId, int turn) {
        if (spawned.isEmpty()) return NONE;
        Map<Integer, List<Session>> byTurn = spawned.get(sessionId);
        return byTurn == null ? NONE : byTurn.getOrDefault(turn, NONE);
    }
}
