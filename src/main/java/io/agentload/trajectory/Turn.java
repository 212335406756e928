package io.agentload.trajectory;

import java.util.List;

/**
 * One model call of an agent session: a row of the turn table (DESIGN.md section 2).
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
        if (sessionId == null || sessionId.isEmpty()) throw new IllegalArgumentException("session_id is empty");
        if (turn < 0) throw new IllegalArgumentException("turn " + turn + " < 0 in session " + sessionId);
        if (inputTokens < 0 || reusedTokens < 0 || sharedPrefixTokens < 0 || outputTokens < 0 || toolTimeMs < 0) {
            throw new IllegalArgumentException("negative token count or tool time in session " + sessionId + " turn " + turn);
        }
        if (reusedTokens > inputTokens) {
            throw new IllegalArgumentException("reused_tokens " + reusedTokens + " > input_tokens " + inputTokens
                    + " in session " + sessionId + " turn " + turn);
        }
        if (sharedPrefixTokens > inputTokens) {
            throw new IllegalArgumentException("shared_prefix_tokens " + sharedPrefixTokens + " > input_tokens "
                    + inputTokens + " in session " + sessionId + " turn " + turn);
        }
        language = language == null ? "" : language;
        sharedPrefixId = sharedPrefixId == null ? "" : sharedPrefixId;
        hashIds = hashIds == null ? List.of() : List.copyOf(hashIds);
    }

    /** Tokens of this call's prompt that are new: not reused from the previous call. */
    public int newInputTokens() {
        return inputTokens - reusedTokens;
    }
}
