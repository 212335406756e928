package io.agentload.sim;

import java.nio.charset.StandardCharsets;

/**
 * What the simulated model says: output token {@code i} is the {@code i mod 64}th of 64 common English words, each with
 * its leading space and each one o200k_base token, so the text is plain ASCII that needs no JSON escaping, holds
 * nothing a client could mistake for a special token, and tokenizes back to exactly the ids the server hashed for its
 * prefix cache (a client that sends the output back in its next prompt reuses it, as with vLLM).
 */
final class OutputWords {
    private static final String[] WORDS = ("the of and to in is that for it with as on be at by this from or an are was"
            + " but not you all can have one more will each which their time there use about many then them these so some"
            + " would make like into has two look write go see number way could people than first water been call who its")
            .split(" ");
    private static final int[] IDS = new int[WORDS.length];
    /** Each word with its leading space, as ASCII. */
    private static final byte[][] SPACED = new byte[WORDS.length][];

    static {
        for (int i = 0; i < WORDS.length; i++) {
            int[] ids = TextTokens.encode(" " + WORDS[i]);
            if (ids.length != 1) throw new IllegalStateException("output word '" + WORDS[i] + "' is not one token");
            IDS[i] = ids[0];
            SPACED[i] = (" " + WORDS[i]).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private OutputWords() {
    }

    /** The token id of output position {@code i}. */
    static int tokenId(int i) {
        return IDS[i % IDS.length];
    }

    /** Appends the text of output positions {@code [from, to)}. */
    static void appendText(StringBuilder out, int from, int to) {
        for (int i = from; i < to; i++) out.append(' ').append(WORDS[i % WORDS.length]);
    }

    /** Appends the text of output positions {@code [from, to)}. */
    static void appendText(ChunkBuffer out, int from, int to) {
        for (int i = from; i < to; i++) out.append(SPACED[i % SPACED.length]);
    }
}
