package io.agentload.endpoint;

import okio.BufferedSink;

import java.io.IOException;

/** A {@code /v1/completions} body whose {@code prompt} is the list of token ids of a layout (DESIGN.md section 3). */
final class CompletionsBody extends PromptBody {

    private final PromptTokens tokens;

    CompletionsBody(BodyOptions options, PromptTokens tokens, int outputTokens) {
        super(options, outputTokens, "prompt", promptBytes(tokens));
        this.tokens = tokens;
    }

    /** {@code [}, the ids and the commas between them, {@code ]}: one pass over the ids, nothing stored. */
    private static long promptBytes(PromptTokens tokens) {
        long[] bytes = {2 + Math.max(0, tokens.size() - 1)};
        try {
            tokens.forEach(id -> bytes[0] += digits(id));
        } catch (IOException e) {
            throw new AssertionError("counting digits does no I/O", e);
        }
        return bytes[0];
    }

    @Override
    void writePrompt(BufferedSink sink) throws IOException {
        sink.writeByte('[');
        boolean[] first = {true};
        tokens.forEach(id -> {
            if (!first[0]) sink.writeByte(',');
            first[0] = false;
            sink.writeDecimalLong(id);
        });
        sink.writeByte(']');
    }
}
