package io.agentload.endpoint;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.PromptLayout.Segment;

import java.nio.charset.StandardCharsets;

/**
 * The token ids of one prompt, derived on the fly from its {@link PromptLayout} and a replay salt (docs/design.md,
 * "Prompts that repeat their prefix"): the token at a position is a hash of (segment origin, birth turn, position,
 * salt) mapped into the vocabulary range, so two prompts that share a prefix in their layouts share it token for token,
 * and nothing is kept per token: callers take the ids in small batches. Shared-prefix segments ignore the salt: every
 * agent of a harness really sends the same system prompt.
 */
final class PromptTokens {

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

    /**
     * Writes the ids of positions {@code [from, to)} into {@code ids}, as many as fit, and returns how many it wrote:
     * callers walk a prompt in batches through one small array, with no per-token call.
     */
    int ids(int from, int to, int[] ids) {
        int end = Math.min(to, from + ids.length), n = 0;
        for (Segment s : layout.segments()) {
            if (s.end() <= from) continue;
            if (s.start() >= end) break;
            long key = segmentKey(s, salt);
            for (int p = Math.max(from, s.start()), last = Math.min(end, s.end()); p < last; p++) {
                ids[n++] = token(key, p, range);
            }
        }
        return n;
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

    /**
     * SplitMix64 stepped to {@code position} from the segment's key, its top 32 bits scaled into the id range
     * (multiply and shift: as uniform as a modulo, without a 64-bit division per token).
     */
    static int token(long segmentKey, int position, TokenIdRange range) {
        long h = mix(segmentKey + GOLDEN * (position + 1L));
        return range.from() + (int) (((h >>> 32) * range.size()) >>> 32);
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
