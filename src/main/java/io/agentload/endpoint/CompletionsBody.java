package io.agentload.endpoint;

import okio.BufferedSink;

import java.io.IOException;

/**
 * A {@code /v1/completions} body whose {@code prompt} is the list of token ids of a layout (docs/design.md, "Prompts
 * that repeat their prefix").
 */
final class CompletionsBody extends PromptBody {

    private final PromptTokens tokens;

    CompletionsBody(BodyOptions options, PromptTokens tokens, int outputTokens) {
        super(options, outputTokens, "prompt", promptBytes(tokens));
        this.tokens = tokens;
    }

    /** {@code [}, the ids and the commas between them, {@code ]}: one pass over the ids, nothing stored. */
    private static long promptBytes(PromptTokens tokens) {
        long bytes = 2 + Math.max(0, tokens.size() - 1);
        int[] ids = new int[BATCH];
        for (int from = 0, n; from < tokens.size(); from += n) {
            n = tokens.ids(from, tokens.size(), ids);
            for (int i = 0; i < n; i++) bytes += digits(ids[i]);
        }
        return bytes;
    }

    /** Formats each batch of ids into one scratch array and writes it whole: two sink calls per 1,024 ids. */
    @Override
    void writePrompt(BufferedSink sink) throws IOException {
        int[] ids = new int[BATCH];
        byte[] text = new byte[BATCH * 11 + 2];
        int length = 0;
        text[length++] = '[';
        for (int from = 0, n; from < tokens.size(); from += n) {
            n = tokens.ids(from, tokens.size(), ids);
            for (int i = 0; i < n; i++) {
                if (from + i > 0) text[length++] = ',';
                int id = ids[i], end = length + digits(id);
                for (int at = end - 1; at >= length; at--, id /= 10) text[at] = (byte) ('0' + id % 10);
                length = end;
            }
            sink.write(text, 0, length);
            length = 0;
        }
        text[length++] = ']';
        sink.write(text, 0, length);
    }
}
