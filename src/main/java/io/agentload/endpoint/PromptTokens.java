package io.agentload.endpoint;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.PromptLayout.Segment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The token ids of one prompt, derived on the fly from its {@link PromptLayout} and a replay salt (DESIGN.md
 * section 3): the token at a position is a hash of (segment origin, birth turn, position, salt) mapped into the
 * vocabulary range, so two prompts that share a prefix in their layouts share it token for token, and nothing is
 * kept per token. Shared-prefix segments ignore the salt: every agent of a harness really sends the same system
 * prompt.
 */
final class PromptTokens {

    /** Receives the ids in prompt order. */
    @FunctionalInterface
    interface Consumer {
        void token(int id) throws IOException;
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final PromptLayout layout;
    private final long salt;
    private final TokenIdRange range;

    PromptTokens(PromptLayout layout, long salt, TokenIdRange range) {
        this.layout = layout;
        this.salt = salt;
        this.range = range;
    }

    int size() {
        return layout.inputTokens();
    }

    /** Passes every token id of the prompt, in order, to {@code consumer}. */
    void forEach(Consumer consumer) throws IOException {
        forEach(0, layout.inputTokens(), consumer);
    }

    /** Passes the ids of positions {@code [from, to)} to {@code consumer}. */
    void forEach(int from, int to, Consumer consumer) throws IOException {
        for (Segment s : layout.segments()) {
            int start = Math.max(from, s.start()), end = Math.min(to, s.end());
            if (start >= end) continue;
            long key = segmentKey(s, salt);
            for (int p = start; p < end; p++) consumer.token(token(key, p, range));
        }
    }

    /** Length of the leading shared prefix (the harness's system prompt), 0 when the prompt has none. */
    int sharedPrefixTokens() {
        Segment first = layout.segments().isEmpty() ? null : layout.segments().get(0);
        return first != null && first.sharedPrefix() ? first.end() : 0;
    }

    static long segmentKey(Segment s, long salt) {
        long k = mix(hash(s.origin()) + GOLDEN * (s.birthTurn() + 1L));
        return s.sharedPrefix() ? k : mix(k ^ mix(salt + GOLDEN));
    }

    /** SplitMix64 stepped to {@code position} from the segment's key, reduced into the id range. */
    static int token(long segmentKey, int position, TokenIdRange range) {
        long h = mix(segmentKey + GOLDEN * (position + 1L));
        return range.from() + (int) Long.remainderUnsigned(h, range.size());
    }

    /** FNV-1a over the UTF-8 bytes: stable across JVMs and versions, unlike {@code String.hashCode()} alone. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
