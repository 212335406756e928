package io.agentload.trajectory;

import java.util.List;
import java.util.Optional;

/**
 * One model call of an agent session: a row of the turn table (docs/design.md, "Turn tables").
 *
 * @param sessionId          unique per session
 * @param turn               0-based index within the session
 * @param language           primary programming language of the task's repository
 * @param inputTokens        full prompt length of this call (the whole context)
 * @param reusedTokens       leading tokens identical to the previous call's prompt plus its output
 *                           (0 on turn 0; on a compaction turn at most the shared prefix)
 * @param sharedPrefixId     a prefix (system prompt, tool definitions) shared by every session of one harness
 * @param sharedPrefixTokens length of that shared prefix
 * @param outputTokens       tokens the model produced
 * @param toolTimeMs         time between this call's last token and the next call
 * @param hashIds            Mooncake-style prefix block hashes for imported traces; empty when absent
 * @param parentSessionId    the session that spawned this one as a subagent, the same on every turn of the session;
 *                           empty for a top-level session
 * @param parentTurn         the parent's turn after which this subagent starts: it runs while the parent waits, and
 *                           the parent's next turn waits for it to finish (fork/join); -1 for a top-level session
 * @param compaction         this turn's prompt replaces the context with a summary: it keeps only the shared prefix
 *                           (system prompt and tools) of the previous prompt, so it reuses at most that prefix
 */
public record Turn(
        String sessionId,
        int turn,
        String language,
        int inputTokens,
        int reusedTokens,
        String sharedPrefixId,
        int sharedPrefixTokens,
        int outputTokens,
        long toolTimeMs,
        List<Long> hashIds,
        String parentSessionId,
        int parentTurn,
        boolean compaction) {

    public Turn {
        parentSessionId = parentSessionId == null ? "" : parentSessionId;
        Optional<String> broken = violation(sessionId, turn, inputTokens, reusedTokens, sharedPrefixTokens,
                outputTokens, toolTimeMs);
        if (broken.isEmpty()) {
            broken = rhythmViolation(sessionId, turn, reusedTokens, sharedPrefixTokens, parentSessionId, parentTurn,
                    compaction);
        }
        if (broken.isPresent()) {
            throw new IllegalArgumentException(broken.get() + " in session " + sessionId + " turn " + turn);
        }
        language = language == null ? "" : language;
        sharedPrefixId = sharedPrefixId == null ? "" : sharedPrefixId;
        hashIds = hashIds == null ? List.of() : List.copyOf(hashIds);
    }

    /**
     * A top-level turn as the turn table had it before subagents and compaction marks: a later turn that reuses
     * nothing is a compaction, which is what {@code reused_tokens == 0} meant then.
     */
    public Turn(String sessionId, int turn, String language, int inputTokens, int reusedTokens, String sharedPrefixId,
                int sharedPrefixTokens, int outputTokens, long toolTimeMs, List<Long> hashIds) {
        this(sessionId, turn, language, inputTokens, reusedTokens, sharedPrefixId, sharedPrefixTokens, outputTokens,
                toolTimeMs, hashIds, "", -1, impliedCompaction(turn, reusedTokens));
    }

    /** Whether a row without a compaction mark compacted: a later turn that reuses nothing. */
    static boolean impliedCompaction(int turn, int reusedTokens) {
        return turn > 0 && reusedTokens == 0;
    }

    /**
     * The first rule on the subagent and compaction fields that these values break, worded like
     * {@link #violation}; empty when they are valid.
     */
    static Optional<String> rhythmViolation(String sessionId, int turn, int reusedTokens, int sharedPrefixTokens,
                                            String parentSessionId, int parentTurn, boolean compaction) {
        boolean hasParent = parentSessionId != null && !parentSessionId.isEmpty();
        if (hasParent && parentTurn < 0) {
            return Optional.of("parent_turn " + parentTurn + " < 0 for parent_session_id " + parentSessionId);
        }
        if (!hasParent && parentTurn != -1) {
            return Optional.of("parent_turn " + parentTurn + " without a parent_session_id");
        }
        if (hasParent && parentSessionId.equals(sessionId)) {
            return Optional.of("parent_session_id " + parentSessionId + " is the session itself");
        }
        if (compaction && turn == 0) return Optional.of("compaction on turn 0, which has no context to compact");
        if (compaction && reusedTokens > sharedPrefixTokens) {
            return Optional.of("compaction turn reuses " + reusedTokens + " tokens, more than its shared prefix "
                    + sharedPrefixTokens + " (a compaction keeps only the shared prefix)");
        }
        return Optional.empty();
    }

    /** Whether this turn belongs to a subagent session. */
    public boolean subagent() {
        return !parentSessionId.isEmpty();
    }

    /** A copy with another tool time, every other field kept. */
    public Turn withToolTimeMs(long toolTimeMs) {
        return new Turn(sessionId, turn, language, inputTokens, reusedTokens, sharedPrefixId, sharedPrefixTokens,
                outputTokens, toolTimeMs, hashIds, parentSessionId, parentTurn, compaction);
    }

    /**
     * The first rule of the turn table that these values break, worded as "field value problem" so that a reader can
     * prefix the file and line; empty when the values make a valid turn.
     */
    static Optional<String> violation(String sessionId, int turn, int inputTokens, int reusedTokens,
                                      int sharedPrefixTokens, int outputTokens, long toolTimeMs) {
        if (sessionId == null || sessionId.isEmpty()) return Optional.of("session_id is empty");
        if (turn < 0) return Optional.of("turn " + turn + " < 0");
        if (inputTokens < 0) return Optional.of("input_tokens " + inputTokens + " < 0");
        if (reusedTokens < 0) return Optional.of("reused_tokens " + reusedTokens + " < 0");
        if (sharedPrefixTokens < 0) return Optional.of("shared_prefix_tokens " + sharedPrefixTokens + " < 0");
        if (outputTokens < 0) return Optional.of("output_tokens " + outputTokens + " < 0");
        if (toolTimeMs < 0) return Optional.of("tool_time_ms " + toolTimeMs + " < 0");
        if (reusedTokens > inputTokens) {
            return Optional.of("reused_tokens " + reusedTokens + " > input_tokens " + inputTokens);
        }
        if (sharedPrefixTokens > inputTokens) {
            return Optional.of("shared_prefix_tokens " + sharedPrefixTokens + " > input_tokens " + inputTokens);
        }
        return Optional.empty();
    }

    /** Tokens of this call's prompt that are new: not reused from the previous call. */
    public int newInputTokens() {
        return inputTokens - reusedTokens;
    }
}
