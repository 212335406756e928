package io.agentload.sim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * One {@code /v1/completions} or {@code /v1/chat/completions} body, read as vLLM reads it: the prompt as token ids and
 * the fields the simulator honours. Sampling fields ({@code temperature}, {@code top_p}, {@code seed}, {@code stop},
 * penalties, ...) and unknown fields are accepted and ignored; fields that would change the response's shape
 * ({@code n > 1}, {@code echo}, {@code logprobs}, {@code suffix}, beam search, prompt embeddings) are refused. Every
 * refusal is an {@link IllegalArgumentException} whose message names the field.
 *
 * @param chat            a chat request (the prompt comes from {@code messages} through {@link ChatTemplate})
 * @param model           the requested model, or null for the served one
 * @param prompt          the prompt's token ids
 * @param maxTokens       the output limit asked for, or null for vLLM's default: the context left after the prompt
 * @param minTokens       {@code min_tokens}
 * @param ignoreEos       {@code ignore_eos}
 * @param stream          {@code stream}
 * @param includeUsage    {@code stream_options.include_usage}: a last chunk with the usage
 * @param continuousUsage {@code stream_options.continuous_usage_stats} (vLLM): usage so far in every chunk
 * @param cacheSalt       {@code cache_salt} (vLLM), or null
 */
record ApiRequest(boolean chat, String model, int[] prompt, Integer maxTokens, int minTokens, boolean ignoreEos,
                  boolean stream, boolean includeUsage, boolean continuousUsage, String cacheSalt) {

    /** vLLM's (and OpenAI's) {@code max_tokens} when a completions request leaves it out. */
    static final int COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PROMPT_FORMS = "prompt: expected a string, a list of token ids, or a list holding one of those";

    /** Reads a body; {@code chat} selects the endpoint's schema. */
    static ApiRequest parse(byte[] body, boolean chat) {
        try (JsonParser p = MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("the body must be a JSON object");
            Fields f = new Fields(chat);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                f.read(name, p);
            }
            if (p.nextToken() != null) throw new IllegalArgumentException("invalid JSON: content after the request object");
            return f.request();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new UncheckedIOException("reading a request body from memory", e);
        }
    }

    /**
     * Tokens to generate: {@code max_tokens}, or the context left after the prompt, within the model's context as
     * vLLM checks it (with vLLM's messages).
     */
    int outputTokens(int contextTokens) {
        int p = prompt.length;
        if (maxTokens == null) {
            if (p >= contextTokens) {
                throw new IllegalArgumentException("This model's maximum context length is " + contextTokens
                        + " tokens. However, you requested " + p + " tokens in the messages, Please reduce the length"
                        + " of the messages.");
            }
            return contextTokens - p;
        }
        if (maxTokens < 1) throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens + ".");
        if ((long) p + maxTokens > contextTokens) {
            throw new IllegalArgumentException("This model's maximum context length is " + contextTokens
                    + " tokens. However, you requested " + ((long) p + maxTokens) + " tokens (" + p
                    + " in the messages, " + maxTokens + " in the completion). Please reduce the length of the"
                    + " messages or completion.");
        }
        if (minTokens > maxTokens) {
            throw new IllegalArgumentException("min_tokens must be less than or equal to max_tokens=" + maxTokens
                    + ", got " + minTokens + ".");
        }
        return maxTokens;
    }

    /** The fields as they are read, in any order. */
    private static final class Fields {
        final boolean chat;
        String model;
        int[] promptIds;
        String promptText;
        JsonNode messages;
        JsonNode tools;
        Integer maxTokens;
        Integer maxCompletionTokens;
        boolean maxTokensGiven;
        int minTokens;
        boolean ignoreEos;
        boolean stream;
        boolean streamOptions;
        boolean includeUsage;
        boolean continuousUsage;
        String cacheSalt;

        Fields(boolean chat) {
            this.chat = chat;
        }

        void read(String name, JsonParser p) throws IOException {
            switch (name) {
                case "model" -> model = string(p, name);
                case "prompt" -> {
                    if (chat) p.skipChildren(); else readPrompt(p);
                }
                case "messages" -> {
                    if (chat) messages = MAPPER.readTree(p); else p.skipChildren();
                }
                case "tools" -> {
                    if (chat) tools = MAPPER.readTree(p); else p.skipChildren();
                }
                case "max_tokens" -> {
                    maxTokens = integer(p, name);
                    maxTokensGiven = true;
                }
                case "max_completion_tokens" -> maxCompletionTokens = integer(p, name);
                case "min_tokens" -> {
                    Integer n = integer(p, name);
                    minTokens = n == null ? 0 : n;
                    if (minTokens < 0) {
                        throw new IllegalArgumentException("min_tokens must be greater than or equal to 0, got " + minTokens + ".");
                    }
                }
                case "ignore_eos" -> ignoreEos = bool(p, name);
                case "stream" -> stream = bool(p, name);
                case "stream_options" -> readStreamOptions(p);
                case "cache_salt" -> {
                    cacheSalt = string(p, name);
                    if (cacheSalt != null && cacheSalt.isEmpty()) {
                        throw new IllegalArgumentException("cache_salt: must be a non-empty string");
                    }
                }
                case "n", "best_of" -> {
                    Integer n = integer(p, name);
                    if (n != null && n != 1) throw unsupported(name + " = " + n, "one choice per request");
                }
                case "echo", "use_beam_search" -> {
                    if (bool(p, name)) throw unsupported(name, "no echo and no beam search");
                }
                case "logprobs" -> {
                    boolean asked = chat ? bool(p, name) : p.currentToken() != JsonToken.VALUE_NULL;
                    if (asked) throw unsupported(name, "no log probabilities");
                    p.skipChildren();
                }
                case "suffix", "prompt_logprobs", "prompt_embeds" -> {
                    if (p.currentToken() != JsonToken.VALUE_NULL) {
                        throw unsupported(name, "none of suffix, prompt log probabilities or prompt embeddings");
                    }
                    p.skipChildren();
                }
                default -> p.skipChildren();
            }
        }

        private void readPrompt(JsonParser p) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                promptText = p.getText();
                return;
            }
            if (t != JsonToken.START_ARRAY) throw new IllegalArgumentException(PROMPT_FORMS);
            JsonToken first = p.nextToken();
            switch (first) {
                case END_ARRAY -> throw new IllegalArgumentException("prompt: the list is empty");
                case VALUE_NUMBER_INT -> promptIds = tokenIds(p, "prompt");
                case VALUE_STRING -> {
                    promptText = p.getText();
                    endOfBatch(p);
                }
                case START_ARRAY -> {
                    p.nextToken();
                    promptIds = tokenIds(p, "prompt[0]");
                    endOfBatch(p);
                }
                default -> throw new IllegalArgumentException(PROMPT_FORMS);
            }
        }

        /** After the first prompt of a list: the list must end there. */
        private static void endOfBatch(JsonParser p) throws IOException {
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw new IllegalArgumentException("prompt: a batch of several prompts; the simulated server takes one"
                        + " prompt per request (send each as its own request)");
            }
        }

        /** Reads ints from the current token up to the end of the array. */
        private static int[] tokenIds(JsonParser p, String where) throws IOException {
            int[] ids = new int[1024];
            int n = 0;
            for (JsonToken t = p.currentToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                    throw new IllegalArgumentException(where + "[" + n + "]: expected a token id (an integer)");
                }
                int id = p.getIntValue();
                if (id < 0 || id >= TextTokens.VOCABULARY) {
                    throw new IllegalArgumentException(where + "[" + n + "]: token id " + id + " is out of vocabulary"
                            + " (o200k_base, ids 0 to " + (TextTokens.VOCABULARY - 1) + ")");
                }
                if (n == ids.length) ids = Arrays.copyOf(ids, n * 2);
                ids[n++] = id;
            }
            if (n == 0) throw new IllegalArgumentException(where + ": the list is empty");
            return Arrays.copyOf(ids, n);
        }

        private void readStreamOptions(JsonParser p) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) return;
            if (p.currentToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("stream_options: expected an object");
            streamOptions = true;
            includeUsage = true; // vLLM's default once stream_options is given; an explicit null turns it off
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "include_usage" -> includeUsage = bool(p, "stream_options.include_usage");
                    case "continuous_usage_stats" -> continuousUsage = bool(p, "stream_options.continuous_usage_stats");
                    default -> p.skipChildren();
                }
            }
        }

        ApiRequest request() {
            if (streamOptions && !stream) throw new IllegalArgumentException("Stream options can only be defined when `stream=True`.");
            int[] prompt;
            Integer limit;
            if (chat) {
                prompt = ChatTemplate.render(messages, tools);
                limit = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
            } else {
                if (promptIds == null && promptText == null) throw new IllegalArgumentException("prompt: required");
                prompt = promptIds != null ? promptIds : TextTokens.encode(promptText);
                if (prompt.length == 0) throw new IllegalArgumentException("prompt: empty; the model needs at least one prompt token");
                limit = maxTokensGiven ? maxTokens : Integer.valueOf(COMPLETIONS_DEFAULT_MAX_TOKENS);
            }
            return new ApiRequest(chat, model, prompt, limit, minTokens, ignoreEos, stream, stream && includeUsage,
                    stream && includeUsage && continuousUsage, cacheSalt);
        }

        private static String string(JsonParser p, String name) throws IOException {
            return switch (p.currentToken()) {
                case VALUE_NULL -> null;
                case VALUE_STRING -> p.getText();
                default -> throw new IllegalArgumentException(name + ": expected a string");
            };
        }

        private static Integer integer(JsonParser p, String name) throws IOException {
            return switch (p.currentToken()) {
                case VALUE_NULL -> null;
                case VALUE_NUMBER_INT -> {
                    if (p.getNumberType() != JsonParser.NumberType.INT) throw new IllegalArgumentException(name + ": out of range");
                    yield p.getIntValue();
                }
                default -> throw new IllegalArgumentException(name + ": expected an integer");
            };
        }

        private static boolean bool(JsonParser p, String name) {
            return switch (p.currentToken()) {
                case VALUE_NULL, VALUE_FALSE -> false;
                case VALUE_TRUE -> true;
                default -> throw new IllegalArgumentException(name + ": expected true or false");
            };
        }

        private static IllegalArgumentException unsupported(String what, String simulated) {
            return new IllegalArgumentException(what + " is not supported: the simulated server produces " + simulated);
        }
    }
}
