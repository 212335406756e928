package io.agentload.endpoint;

/**
 * What one streamed {@code data:} event of an OpenAI-compatible server says, reduced to what timing and token counts
 * need. A null field is absent from the event.
 *
 * @param textLength   characters of output text in the event: completions' {@code choices[].text}, chat's
 *                     {@code delta.content}, and reasoning ({@code delta.reasoning_content} or {@code delta.reasoning})
 * @param toolCall     the event carries a non-empty {@code delta.tool_calls}: output, though not text
 * @param finishReason {@code choices[].finish_reason}
 * @param usage        the event's {@code usage} object
 * @param error        the message of an {@code error} object the server streamed instead of a chunk
 */
record Chunk(int textLength, boolean toolCall, String finishReason, Usage usage, String error) {

    /**
     * Token counts a server reports.
     *
     * @param cachedTokens {@code prompt_tokens_details.cached_tokens}, or -1 when the server does not report it
     */
    record Usage(int promptTokens, int completionTokens, int cachedTokens) {
    }

    /** True when the event carries generated output (the first such event is the first token). */
    boolean hasOutput() {
        return textLength > 0 || toolCall;
    }
}
