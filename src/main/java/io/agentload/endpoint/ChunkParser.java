package io.agentload.endpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

import java.io.IOException;

/**
 * Reads one streamed chunk (the JSON of a {@code data:} event) with Jackson's streaming parser: text is measured, not
 * copied into strings, and every field the replay does not need is skipped, so a chunk costs about a microsecond and a
 * 200 KB text line costs no more than reading it once.
 */
final class ChunkParser {

    /** Buffers pooled across threads: each request streams on a fresh virtual thread, where per-thread pools never hit. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .build();

    private ChunkParser() {
    }

    /** Parses one event's data; throws {@link EndpointException} naming what is wrong when it is not a valid chunk. */
    static Chunk parse(byte[] data) {
        try (JsonParser p = JSON.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new EndpointException("event data is not a JSON object");
            Builder chunk = new Builder();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "choices" -> choices(p, value, chunk);
                    case "usage" -> chunk.usage = value == JsonToken.VALUE_NULL ? null : usage(p, value);
                    case "error" -> chunk.error = error(p, value);
                    default -> p.skipChildren();
                }
                chunk.known |= field.equals("choices") || field.equals("usage") || field.equals("error");
            }
            if (p.nextToken() != null) throw new EndpointException("event data continues after its JSON object");
            if (!chunk.known) throw new EndpointException("event has no choices, usage or error");
            return chunk.build();
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new EndpointException("event data is not valid JSON: " + why);
        }
    }

    private static void choices(JsonParser p, JsonToken value, Builder chunk) throws IOException {
        if (value == JsonToken.VALUE_NULL) return;
        expect(value, JsonToken.START_ARRAY, "choices");
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.START_OBJECT, "choices[]");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "text" -> chunk.textLength += textLength(p, v);
                    case "delta" -> delta(p, v, chunk);
                    case "finish_reason" -> {
                        if (v == JsonToken.VALUE_STRING) chunk.finishReason = p.getText();
                        else p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
        }
    }

    private static void delta(JsonParser p, JsonToken value, Builder chunk) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "content", "reasoning_content", "reasoning" -> chunk.textLength += textLength(p, v);
                case "tool_calls" -> chunk.toolCall |= nonEmptyArray(p, v);
                default -> p.skipChildren();
            }
        }
    }

    private static int textLength(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) return p.getTextLength();
        p.skipChildren();
        return 0;
    }

    /** Skips an array (or any value) and says whether it was an array with at least one element. */
    private static boolean nonEmptyArray(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return false;
        }
        boolean any = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            any = true;
            p.skipChildren();
        }
        return any;
    }

    private static Chunk.Usage usage(JsonParser p, JsonToken value) throws IOException {
        expect(value, JsonToken.START_OBJECT, "usage");
        int prompt = -1, completion = -1, cached = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "prompt_tokens" -> prompt = count(p, v, "usage.prompt_tokens");
                case "completion_tokens" -> completion = count(p, v, "usage.completion_tokens");
                case "prompt_tokens_details" -> cached = cachedTokens(p, v);
                default -> p.skipChildren();
            }
        }
        if (prompt < 0 || completion < 0) throw new EndpointException("usage lacks prompt_tokens or completion_tokens");
        return new Chunk.Usage(prompt, completion, cached);
    }

    private static int cachedTokens(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return -1;
        }
        int cached = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("cached_tokens") && v != JsonToken.VALUE_NULL) {
                cached = count(p, v, "usage.prompt_tokens_details.cached_tokens");
            } else {
                p.skipChildren();
            }
        }
        return cached;
    }

    private static int count(JsonParser p, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0 || p.getLongValue() > Integer.MAX_VALUE) {
            throw new EndpointException(field + " is not a token count: " + p.getText());
        }
        return p.getIntValue();
    }

    private static String error(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) return p.getText();
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return "error " + value;
        }
        String message = "error without a message";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("message") && v == JsonToken.VALUE_STRING) message = p.getText();
            else p.skipChildren();
        }
        return message;
    }

    private static void expect(JsonToken actual, JsonToken expected, String field) {
        if (actual != expected) throw new EndpointException(field + " is " + actual + ", expected " + expected);
    }

    private static final class Builder {
        int textLength;
        boolean toolCall;
        String finishReason;
        Chunk.Usage usage;
        String error;
        boolean known;

        Chunk build() {
            return new Chunk(textLength, toolCall, finishReason, usage, error);
        }
    }
}
