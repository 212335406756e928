package io.agentload.endpoint;

import io.agentload.endpoint.JsonScanner.Kind;

import java.nio.charset.StandardCharsets;

/**
 * Reads one streamed chunk (the JSON of a {@code data:} event) in place with a {@link JsonScanner}: text is measured,
 * not decoded, and every field the replay does not need is checked and skipped, so a chunk costs a few hundred
 * nanoseconds and no garbage beyond its result, and a 200 KB text line costs no more than reading it once.
 */
final class ChunkParser {

    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] TEXT = ascii("text");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
    private static final byte[] REASONING = ascii("reasoning");
    private static final byte[] TOOL_CALLS = ascii("tool_calls");
    private static final byte[] PROMPT_TOKENS = ascii("prompt_tokens");
    private static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");
    private static final byte[] PROMPT_TOKENS_DETAILS = ascii("prompt_tokens_details");
    private static final byte[] CACHED_TOKENS = ascii("cached_tokens");
    private static final byte[] MESSAGE = ascii("message");

    private ChunkParser() {
    }

    /** Parses one event's data; throws {@link EndpointException} naming what is wrong when it is not a valid chunk. */
    static Chunk parse(byte[] data) {
        return parse(data, data.length);
    }

    /** Parses {@code data[0, length)}. */
    static Chunk parse(byte[] data, int length) {
        JsonScanner json = new JsonScanner(data, length);
        if (json.peek() != Kind.OBJECT) throw new EndpointException("event data is not a JSON object");
        Builder chunk = new Builder();
        json.beginObject();
        while (json.nextField()) {
            if (json.nameIs(CHOICES)) {
                choices(json, chunk);
            } else if (json.nameIs(USAGE)) {
                chunk.usage = usage(json);
            } else if (json.nameIs(ERROR)) {
                chunk.error = error(json);
            } else {
                json.skipValue();
                continue;
            }
            chunk.known = true;
        }
        if (!json.atEnd()) throw new EndpointException("event data continues after its JSON object");
        if (!chunk.known) throw new EndpointException("event has no choices, usage or error");
        return chunk.build();
    }

    private static void choices(JsonScanner json, Builder chunk) {
        Kind kind = json.peek();
        if (kind == Kind.NULL) {
            json.skipValue();
            return;
        }
        expect(kind, Kind.ARRAY, "choices");
        json.beginArray();
        while (json.nextElement()) {
            expect(json.peek(), Kind.OBJECT, "choices[]");
            json.beginObject();
            while (json.nextField()) {
                if (json.nameIs(TEXT)) {
                    chunk.textLength += textLength(json);
                } else if (json.nameIs(DELTA)) {
                    delta(json, chunk);
                } else if (json.nameIs(FINISH_REASON) && json.peek() == Kind.STRING) {
                    chunk.finishReason = json.string();
                } else {
                    json.skipValue();
                }
            }
        }
    }

    private static void delta(JsonScanner json, Builder chunk) {
        if (json.peek() != Kind.OBJECT) {
            json.skipValue();
            return;
        }
        json.beginObject();
        while (json.nextField()) {
            if (json.nameIs(CONTENT) || json.nameIs(REASONING_CONTENT) || json.nameIs(REASONING)) {
                chunk.textLength += textLength(json);
            } else if (json.nameIs(TOOL_CALLS)) {
                chunk.toolCall |= nonEmptyArray(json);
            } else {
                json.skipValue();
            }
        }
    }

    private static int textLength(JsonScanner json) {
        if (json.peek() == Kind.STRING) return json.stringLength();
        json.skipValue();
        return 0;
    }

    /** Consumes an array (or any value) and says whether it was an array with at least one element. */
    private static boolean nonEmptyArray(JsonScanner json) {
        if (json.peek() != Kind.ARRAY) {
            json.skipValue();
            return false;
        }
        boolean any = false;
        json.beginArray();
        while (json.nextElement()) {
            any = true;
            json.skipValue();
        }
        return any;
    }

    /** The usage object, or null for {@code "usage": null}. */
    private static Chunk.Usage usage(JsonScanner json) {
        Kind kind = json.peek();
        if (kind == Kind.NULL) {
            json.skipValue();
            return null;
        }
        expect(kind, Kind.OBJECT, "usage");
        int prompt = -1, completion = -1, cached = -1;
        json.beginObject();
        while (json.nextField()) {
            if (json.nameIs(PROMPT_TOKENS)) {
                prompt = count(json, "usage.prompt_tokens");
            } else if (json.nameIs(COMPLETION_TOKENS)) {
                completion = count(json, "usage.completion_tokens");
            } else if (json.nameIs(PROMPT_TOKENS_DETAILS)) {
                cached = cachedTokens(json);
            } else {
                json.skipValue();
            }
        }
        if (prompt < 0 || completion < 0) throw new EndpointException("usage lacks prompt_tokens or completion_tokens");
        return new Chunk.Usage(prompt, completion, cached);
    }

    private static int cachedTokens(JsonScanner json) {
        if (json.peek() != Kind.OBJECT) {
            json.skipValue();
            return -1;
        }
        int cached = -1;
        json.beginObject();
        while (json.nextField()) {
            if (json.nameIs(CACHED_TOKENS) && json.peek() != Kind.NULL) {
                cached = count(json, "usage.prompt_tokens_details.cached_tokens");
            } else {
                json.skipValue();
            }
        }
        return cached;
    }

    private static int count(JsonScanner json, String field) {
        int n = json.count();
        if (n < 0) throw new EndpointException(field + " is not a token count: " + json.lastValue());
        return n;
    }

    private static String error(JsonScanner json) {
        Kind kind = json.peek();
        if (kind == Kind.STRING) return json.string();
        if (kind != Kind.OBJECT) {
            json.skipValue();
            return "error " + kind;
        }
        String message = "error without a message";
        json.beginObject();
        while (json.nextField()) {
            if (json.nameIs(MESSAGE) && json.peek() == Kind.STRING) message = json.string();
            else json.skipValue();
        }
        return message;
    }

    private static void expect(Kind actual, Kind expected, String field) {
        if (actual != expected) throw new EndpointException(field + " is " + actual + ", expected " + expected);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
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
