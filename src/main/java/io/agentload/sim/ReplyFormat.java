package io.agentload.sim;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of one request's responses, field for field as vLLM's OpenAI-compatible server writes them (its
 * {@code protocol.py} models, serialised as its {@code serving_completion.py} and {@code serving_chat.py} do), without
 * the fields vLLM adds only for its own request options ({@code prompt_logprobs}, {@code kv_transfer_params},
 * {@code token_ids}). The one deliberate difference: usage always carries {@code prompt_tokens_details.cached_tokens},
 * 0 included, as OpenAI does, where vLLM (with {@code --enable-prompt-tokens-details}) leaves it out when nothing was
 * cached.
 *
 * <p>Streaming, per engine step that gave the request tokens, one SSE event {@code data: {json}\n\n}:
 * <ul>
 *   <li>completions: {@code {"id":"cmpl-…","object":"text_completion","created":…,"model":…,"choices":[{"index":0,
 *       "text":"…","logprobs":null,"finish_reason":null,"stop_reason":null}],"usage":null}}, the last with
 *       {@code "finish_reason":"length"};</li>
 *   <li>chat: first {@code {"id":"chatcmpl-…","object":"chat.completion.chunk","created":…,"model":…,"choices":[{"index":0,
 *       "delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}}, then per step
 *       {@code "delta":{"content":"…"}}, the last with {@code "finish_reason":"length","stop_reason":null};</li>
 *   <li>with {@code stream_options.include_usage}: a last chunk with {@code "choices":[]} and the usage; with vLLM's
 *       {@code continuous_usage_stats}, usage so far in every chunk;</li>
 *   <li>then {@code data: [DONE]}.</li>
 * </ul>
 */
final class ReplyFormat {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_EVENT = "}\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ApiRequest request;
    private final String id;
    private final String createdAndModel;
    /** The chunk object's fields up to {@code model}, in UTF-8 (a served model name need not be ASCII). */
    private final byte[] chunkHead;
    private final int promptTokens;

    /**
     * @param id      the response id ({@code cmpl-…} or {@code chatcmpl-…})
     * @param created epoch seconds at receipt
     * @param model   the served model name
     */
    ReplyFormat(ApiRequest request, String id, long created, String model) {
        this.request = request;
        this.promptTokens = request.prompt().length;
        this.id = quote(id);
        this.createdAndModel = ",\"created\":" + created + ",\"model\":" + quote(model);
        this.chunkHead = head(request.chat() ? "chat.completion.chunk" : "text_completion")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Appends to {@code out} the SSE events for output tokens {@code [from, to)} produced by one engine step; when
     * {@code usage} is given the request finished with them, and the events end the stream.
     */
    void events(ChunkBuffer out, int from, int to, Engine.Usage usage) {
        boolean last = usage != null;
        if (request.chat()) {
            if (from == 0) {
                out.append(DATA).append(chunkHead).append(",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                        + "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]");
                if (request.continuousUsage()) usageSoFar(out.append(",\"usage\":"), 0);
                out.append(END_EVENT);
            }
            out.append(DATA).append(chunkHead).append(",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
            OutputWords.appendText(out, from, to);
            out.append("\"},\"logprobs\":null,\"finish_reason\":").append(last ? "\"length\",\"stop_reason\":null" : "null")
                    .append("}]");
            if (request.continuousUsage()) usageSoFar(out.append(",\"usage\":"), to);
        } else {
            out.append(DATA).append(chunkHead).append(",\"choices\":[{\"index\":0,\"text\":\"");
            OutputWords.appendText(out, from, to);
            out.append("\",\"logprobs\":null,\"finish_reason\":").append(last ? "\"length\"" : "null")
                    .append(",\"stop_reason\":null}],\"usage\":");
            if (request.continuousUsage()) usageSoFar(out, to);
            else out.append("null");
        }
        out.append(END_EVENT);
        if (last && request.includeUsage()) {
            out.append(DATA).append(chunkHead).append(",\"choices\":[],\"usage\":").append(usage(usage)).append(END_EVENT);
        }
        if (last) out.append(DONE);
    }

    /** The whole non-streaming response: a {@code text_completion} or {@code chat.completion} object. */
    byte[] response(Engine.Usage usage) {
        StringBuilder out = new StringBuilder(400 + 8 * usage.outputTokens());
        if (request.chat()) {
            out.append(head("chat.completion")).append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"");
            OutputWords.appendText(out, 0, usage.outputTokens());
            out.append("\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,\"tool_calls\":[]},"
                    + "\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]");
        } else {
            out.append(head("text_completion")).append(",\"choices\":[{\"index\":0,\"text\":\"");
            OutputWords.appendText(out, 0, usage.outputTokens());
            out.append("\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]");
        }
        out.append(",\"service_tier\":null,\"system_fingerprint\":null,\"usage\":").append(usage(usage)).append('}');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The fields every object of this response starts with, up to {@code model}. */
    private String head(String object) {
        return "{\"id\":" + id + ",\"object\":\"" + object + "\"" + createdAndModel;
    }

    private static String usage(Engine.Usage u) {
        return "{\"prompt_tokens\":" + u.promptTokens() + ",\"completion_tokens\":" + u.outputTokens()
                + ",\"total_tokens\":" + (u.promptTokens() + u.outputTokens())
                + ",\"prompt_tokens_details\":{\"cached_tokens\":" + u.cachedTokens() + "}}";
    }

    private void usageSoFar(ChunkBuffer out, int completionTokens) {
        out.append("{\"prompt_tokens\":").append(promptTokens).append(",\"completion_tokens\":").append(completionTokens)
                .append(",\"total_tokens\":").append(promptTokens + completionTokens).append('}');
    }

    /** An OpenAI error body: {@code {"error":{"message":…,"type":…,"param":null,"code":status}}}, as vLLM writes it. */
    static byte[] error(int status, String type, String message) {
        return ("{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(type) + ",\"param\":null,\"code\":"
                + status + "}}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code GET /v1/models}: OpenAI's list with vLLM's model card (its {@code max_model_len} included). */
    static byte[] models(String model, long created, int contextTokens) {
        return ("{\"object\":\"list\",\"data\":[{\"id\":" + quote(model) + ",\"object\":\"model\",\"created\":" + created
                + ",\"owned_by\":\"agentload\",\"root\":" + quote(model) + ",\"parent\":null,\"max_model_len\":"
                + contextTokens + "}]}").getBytes(StandardCharsets.UTF_8);
    }

    static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
