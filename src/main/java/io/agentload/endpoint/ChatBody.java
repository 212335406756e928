package io.agentload.endpoint;

import okio.BufferedSink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@code /v1/chat/completions} body for endpoints that take only text: each token of the layout becomes a space and
 * one {@link Words word}, so the reused part of a prompt is the same leading text as before, and its length in
 * o200k_base or cl100k_base tokens is exactly the layout's (WordsTest checks 1 to 131,072 tokens); the server's
 * {@code usage.prompt_tokens} adds its chat template's tokens (role headers, a default system preamble: a few to a few
 * dozen) and differs a little for tokenizers that split some of the words. The shared prefix goes in a system message,
 * the session's tokens in one user message; model output is never sent back (the next turn's text comes from its
 * layout), so no reasoning can leak into {@code content}.
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
        long bytes = 1 + USER.length + END.length + (tokens.sharedPrefixTokens() > 0 ? SYSTEM.length + BETWEEN.length : 0);
        int[] ids = new int[BATCH];
        for (int from = 0, n; from < tokens.size(); from += n) {
            n = tokens.ids(from, tokens.size(), ids);
            for (int i = 0; i < n; i++) bytes += 1 + Words.of(ids[i]).length;
        }
        return bytes;
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
        int[] ids = new int[BATCH];
        for (int n; from < to; from += n) {
            n = tokens.ids(from, to, ids);
            for (int i = 0; i < n; i++) {
                sink.writeByte(' ');
                sink.write(Words.of(ids[i]));
            }
        }
    }
}
