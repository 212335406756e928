package io.agentload.endpoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 4,096 words chat-mode prompts are made of (resource {@code words.txt}): lowercase ASCII words that are one
 * token each, with their leading space, in o200k_base and cl100k_base (and so in Llama 3, whose first 100K ids are
 * cl100k_base's). Pre-tokenizers split text at each space-led word, so n words encode to exactly n tokens.
 */
final class Words {

    private static final byte[][] WORDS = load();

    private Words() {
    }

    /** The word for a token id. */
    static byte[] of(int tokenId) {
        return WORDS[tokenId & (WORDS.length - 1)];
    }

    static int count() {
        return WORDS.length;
    }

    private static byte[][] load() {
        List<byte[]> words = new ArrayList<>(4096);
        try (InputStream in = Words.class.getResourceAsStream("words.txt")) {
            if (in == null) throw new IllegalStateException("resource io/agentload/endpoint/words.txt is missing");
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                if (!line.matches("[a-z]+")) throw new IllegalStateException("words.txt: not a lowercase word: " + line);
                words.add(line.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading io/agentload/endpoint/words.txt", e);
        }
        if (Integer.bitCount(words.size()) != 1) {
            throw new IllegalStateException("words.txt: " + words.size() + " words, not a power of two");
        }
        return words.toArray(byte[][]::new);
    }
}
