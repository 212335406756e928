package io.agentload.trajectory;

import java.util.ArrayList;
import java.util.List;

/**
 * Where every token of one turn's prompt comes from, so that a replay or the simulator can rebuild prompts whose
 * prefixes repeat exactly as they did in the recorded session (docs/design.md, "Prompts that repeat their prefix").
 *
 * <p>A prompt is a list of {@link Segment}s covering positions {@code [0, inputTokens)}. A segment's tokens were
 * first produced by one call: the shared prefix of a harness ({@code birthTurn == -1}, origin the prefix id), or
 * the prompt or output of one turn of this session (origin the session id). The tokens at positions below
 * {@code reusedTokens} are inherited from the previous turn's prompt plus its output, so they keep their segments;
 * the rest are new at this turn. Turn 0 and a compaction turn ({@link Turn#compaction()}, or any turn that reuses
 * nothing) start again from the shared prefix: a compaction's prompt shares only that prefix with the previous one.
 *
 * <p>A token is therefore identified by (segment origin, birth turn, position): two prompts that agree on those
 * agree token for token. {@link #blockHashes(int, long)} turns that into chained prefix-block hashes as a serving
 * engine's prefix cache sees them.
 *
 * <p>Layouts are built one turn at a time ({@link #first(Turn)}, then {@link #next(Turn)}), so a replaying agent
 * holds only its current turn's layout: about one segment per turn of the session so far.
 *
 * @param sessionId    the session
 * @param turn         the turn's index
 * @param inputTokens  prompt length
 * @param outputTokens the call's output length; the output occupies {@code [inputTokens, inputTokens + outputTokens)}
 *                     of the sequence the next turn inherits
 * @param segments     contiguous, non-empty, ordered segments covering {@code [0, inputTokens)}
 */
public record PromptLayout(String sessionId, int turn, int inputTokens, int outputTokens, List<Segment> segments) {

    /**
     * Prompt positions {@code [start, end)} whose tokens were first produced by one call.
     *
     * @param origin    the shared prefix id when {@code birthTurn == -1}, else the session id
     * @param birthTurn the turn whose prompt or output first held these tokens, or -1 for a shared prefix
     */
    public record Segment(int start, int end, String origin, int birthTurn) {
        public int length() {
            return end - start;
        }

        public boolean sharedPrefix() {
            return birthTurn < 0;
        }
    }

    public PromptLayout {
        segments = List.copyOf(segments);
    }

    /** The layout of every turn of a session, in order. */
    public static List<PromptLayout> of(Session session) {
        List<PromptLayout> layouts = new ArrayList<>(session.turns().size());
        PromptLayout layout = null;
        for (Turn t : session.turns()) {
            layout = layout == null ? first(t) : layout.next(t);
            layouts.add(layout);
        }
        return layouts;
    }

    /** The layout of a session's first turn (or of any turn taken as a fresh start): shared prefix, then new tokens. */
    public static PromptLayout first(Turn turn) {
        List<Segment> segs = new ArrayList<>(2);
        int shared = Math.min(turn.sharedPrefixTokens(), turn.inputTokens());
        append(segs, new Segment(0, shared, turn.sharedPrefixId(), -1));
        append(segs, new Segment(shared, turn.inputTokens(), turn.sessionId(), turn.turn()));
        return new PromptLayout(turn.sessionId(), turn.turn(), turn.inputTokens(), turn.outputTokens(), segs);
    }

    /**
     * The layout of the turn that follows this one in the same session. Reused tokens beyond this prompt plus its
     * output (which a malformed trace could claim) are treated as new; a compaction turn, or one that reuses nothing,
     * starts again from the shared prefix.
     */
    public PromptLayout next(Turn turn) {
        int reused = Math.min(turn.reusedTokens(), inputTokens + outputTokens);
        if (reused == 0 || turn.compaction()) return first(turn);
        List<Segment> segs = new ArrayList<>(segments.size() + 2);
        for (Segment s : withOutput()) {
            if (s.start() >= reused) break;
            append(segs, new Segment(s.start(), Math.min(s.end(), reused), s.origin(), s.birthTurn()));
        }
        append(segs, new Segment(reused, turn.inputTokens(), turn.sessionId(), turn.turn()));
        return new PromptLayout(turn.sessionId(), turn.turn(), turn.inputTokens(), turn.outputTokens(), segs);
    }

    /** This prompt's segments followed by the output's. */
    private List<Segment> withOutput() {
        List<Segment> segs = new ArrayList<>(segments);
        append(segs, new Segment(inputTokens, inputTokens + outputTokens, sessionId, turn));
        return segs;
    }

    /** Appends a segment, dropping it when empty and merging it into the last one when they continue each other. */
    private static void append(List<Segment> segs, Segment s) {
        if (s.length() <= 0) return;
        if (!segs.isEmpty()) {
            Segment last = segs.get(segs.size() - 1);
            if (last.birthTurn() == s.birthTurn() && last.origin().equals(s.origin()) && last.end() == s.start()) {
                segs.set(segs.size() - 1, new Segment(last.start(), s.end(), s.origin(), s.birthTurn()));
                return;
            }
        }
        segs.add(s);
    }

    /**
     * Chained hashes of the prompt's full blocks of {@code blockSize} tokens, as a prefix cache keys them: block
     * {@code i}'s hash depends on every token up to the block's end. Session tokens are mixed with {@code salt}
     * (one per agent and replay, so two agents replaying one session do not share cache); shared-prefix tokens are
     * not, because every agent of a harness really sends the same system prompt.
     */
    public long[] blockHashes(int blockSize, long salt) {
        return hash(segments, inputTokens, blockSize, salt);
    }

    /**
     * Like {@link #blockHashes(int, long)} but over the prompt followed by the call's output: the blocks a serving
     * engine has cached once the call finished, which the next turn reuses when an agent sends the output back
     * verbatim, as production agents do.
     */
    public long[] blockHashesWithOutput(int blockSize, long salt) {
        return hash(withOutput(), inputTokens + outputTokens, blockSize, salt);
    }

    /**
     * {@link #blockHashesWithOutput(int, long)} computed by continuing an earlier layout's: the leading blocks whose
     * tokens agree with {@code previous}'s prompt plus output are copied from {@code previousHashes}, the rest hashed.
     * The hash is chained, so the result is exactly the full computation's; a turn that extends the previous one
     * (the usual case) costs only its new blocks. A layout that shares nothing with {@code previous} (another
     * session, or a turn after compaction beyond the shared prefix) is hashed in full.
     *
     * @param previousHashes {@code previous.blockHashesWithOutput(blockSize, salt)}, with this call's block size and
     *                       salt (another salt gives other hashes: do not pass its chain); not modified
     */
    public long[] blockHashesWithOutput(int blockSize, long salt, PromptLayout previous, long[] previousHashes) {
        List<Segment> segs = withOutput();
        int common = commonTokens(previous.withOutput(), segs);
        int reused = Math.min(Math.min(previousHashes.length, common / blockSize), (inputTokens + outputTokens) / blockSize);
        return hash(segs, inputTokens + outputTokens, blockSize, salt, previousHashes, reused);
    }

    /** How many leading tokens two segment lists agree on: the same segments, clipped alike, up to that position. */
    private static int commonTokens(List<Segment> a, List<Segment> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            Segment x = a.get(i), y = b.get(i);
            if (x.start() != y.start() || x.birthTurn() != y.birthTurn() || !x.origin().equals(y.origin())) {
                return x.start();
            }
            if (x.end() != y.end()) return Math.min(x.end(), y.end());
        }
        return n == 0 ? 0 : a.get(n - 1).end();
    }

    private static long[] hash(List<Segment> segments, int tokens, int blockSize, long salt) {
        return hash(segments, tokens, blockSize, salt, new long[0], 0);
    }

    /**
     * Hashes the blocks of {@code segments}, the first {@code reused} copied from {@code known} (a chain whose blocks
     * agree with these segments up to there): block b's hash depends only on the running hash before it and the
     * segments, clipped to the block, that overlap it.
     */
    private static long[] hash(List<Segment> segments, int tokens, int blockSize, long salt, long[] known, int reused) {
        if (blockSize <= 0) throw new IllegalArgumentException("block size " + blockSize);
        long[] hashes = new long[tokens / blockSize];
        System.arraycopy(known, 0, hashes, 0, reused);
        long h = reused == 0 ? 0x6a09e667f3bcc909L : known[reused - 1];
        int seg = 0;
        int keyed = -1; // a segment's key is the same for each of its blocks: computed once
        long segmentKey = 0;
        for (int b = reused; b < hashes.length; b++) {
            int from = b * blockSize, to = from + blockSize;
            while (segments.get(seg).end() <= from) seg++;
            for (int i = seg; i < segments.size() && segments.get(i).start() < to; i++) {
                Segment s = segments.get(i);
                if (i != keyed) {
                    segmentKey = key(s, salt);
                    keyed = i;
                }
                h = mix(h ^ segmentKey);
                h = mix(h ^ ((long) Math.max(from, s.start()) << 32 | Math.min(to, s.end())));
            }
            hashes[b] = h;
        }
        return hashes;
    }

    private static long key(Segment s, long salt) {
        long k = mix(s.origin().hashCode() * 0x9E3779B97F4A7C15L + s.birthTurn());
        return s.sharedPrefix() ? k : mix(k ^ salt);
    }

    /** SplitMix64's finaliser: a cheap, well-mixed 64-bit hash step. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
