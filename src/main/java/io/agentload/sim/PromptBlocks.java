package io.agentload.sim;

import java.nio.charset.StandardCharsets;

/**
 * The server's prefix-cache keys: one chained hash per full block of {@value KvBlocks#BLOCK_TOKENS} token ids, over
 * the prompt followed by the output the server will generate ({@link OutputWords}), as vLLM hashes a request's blocks.
 * Block {@code i}'s hash depends on the cache salt and on every id up to the block's end, so a later prompt that
 * repeats this one's leading ids (the client's token ids, or text that tokenizes to them) hits exactly the full blocks
 * it shares, and its output's blocks too if it sends the output back.
 */
final class PromptBlocks {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private PromptBlocks() {
    }

    /** Hashes of the full blocks of {@code prompt} followed by {@code outputTokens} output tokens. */
    static long[] hashes(int[] prompt, int outputTokens, long salt) {
        int blocks = (int) (((long) prompt.length + outputTokens) / KvBlocks.BLOCK_TOKENS);
        long[] hashes = new long[blocks];
        long h = mix(FNV_OFFSET ^ salt);
        int position = 0;
        for (int b = 0; b < blocks; b++) {
            long x = h;
            for (int end = position + KvBlocks.BLOCK_TOKENS; position < end; position++) {
                int id = position < prompt.length ? prompt[position] : OutputWords.tokenId(position - prompt.length);
                x = (x ^ id) * FNV_PRIME;
            }
            h = mix(x);
            hashes[b] = h;
        }
        return hashes;
    }

    /** A request's {@code cache_salt} as a hash seed (0 when absent): salted prompts share no blocks with others. */
    static long salt(String cacheSalt) {
        if (cacheSalt == null) return 0;
        long h = FNV_OFFSET;
        for (byte c : cacheSalt.getBytes(StandardCharsets.UTF_8)) h = (h ^ (c & 0xff)) * FNV_PRIME;
        return h;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
