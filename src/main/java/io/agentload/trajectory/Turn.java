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
 *                           (0 on turn 0 or after compaction)
 * @param sharedPrefixId     a prefix (system prompt, tool definitions) shared by every session of one harness
 * @param sharedPrefixTokens length of that shared prefix
 * @param outputTokens       tokens the model produced
 * @param toolTimeMs         time between this call's last token and the next call
 * @param hashIds            Mooncake-style prefix block hashes for imported traces; empty when absent
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
        List<Long> hashIds) {

    public Turn {
        Optional<String> broken = violation(sessionId, turn, inputTokens, reusedTokens, sharedPrefixTokens,
                outputTokens, toolTimeMs);
        if (broken.isPresent()) {
            throw new IllegalArgumentException(broken.get() + " in session " + sessionId + " turn " + turn);
        }
        language = language == null ? "" : language;
        sharedPrefixId = sharedPrefixId == null ? "" : sharedPrefixId;
        hashIds = hashIds == null ? List.of() : List.copyOf(hashIds);
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
