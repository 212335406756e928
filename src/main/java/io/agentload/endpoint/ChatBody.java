package io.agentload.endpoint;

import okio.BufferedSink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@code /v1/chat/completions} body for endpoints that take only text: each token of the layout becomes a space and
 * one {@link Words word}, so the reused part of a prompt is the same leading text as before, and its length in
 * o200k_base or cl100k_base tokens is exactly the layout's. The shared prefix goes in a system message, the session's
 * tokens in one user message; model output is never sent back (the next turn's text comes from its layout), so no
 * reasoning can leak into {@code content}.
 */
final class ChatBody extends PromptBody {

    private static final byte[] SYSTEM = "{\"role\":\"system\",\"content\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USER = "{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BETWEEN = "\"},".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\"}]".getBytes(StandardCharsets.US_ASCII);

    private final PromptTokens tokens;

    ChatBody(BodyOptions options, PromptTokens tokens, int outputTokens) {
        super(options, outputTokens, "messages", promptBytes(tokens));
        this.tokens = tokens;
    }

    private static long promptBytes(PromptTokens tokens) {
        int shared = tokens.sharedPrefixTokens();
        long[] bytes = {1 + USER.length + END.length + (shared > 0 ? SYSTEM.length + BETWEEN.length : 0)};
        try {
            tokens.forEach(id -> bytes[0] += 1 + Words.of(id).length);
        } catch (IOException e) {
            throw new AssertionError("counting words does no I/O", e);
        }
        return bytes[0];
    }

    @Override
    void writePrompt(BufferedSink sink) throws IOException {
        int shared = tokens.sharedPrefixTokens();
        sink.writeByte('[');
        if (shared > 0) {
            sink.write(SYSTEM);
            writeWords(sink, 0, shared);
            sink.write(BETWEEN);
        }
        sink.write(USER);
        writeWords(sink, shared, tokens.size());
        sink.write(END);
    }

    private void writeWords(BufferedSink sink, int from, int to) throws IOException {
        tokens.forEach(from, to, id -> {
            sink.writeByte(' ');
            sink.write(Words.of(id));
        });
    }
}
