package io.agentload.replay;

import java.util.function.BooleanSupplier;

/**
 * Whether the simulator's prefix cache has reached its steady state, judged by the cached-token ratio of finished
 * requests. Requests are taken in consecutive blocks of {@code max(agents, MIN_BLOCK)}, so that a block holds about
 * one turn of every agent; the cache is warm once the token-weighted cached ratio of a block is within
 * {@link #TOLERANCE} of the block before it, and stays warm.
 *
 * <p>Why this rule: agents start at random turns of their sessions, so each one's first request prefills its whole
 * context cold and its later turns find their context cached, until the cache fills and evictions pull the ratio
 * down to what the system can hold. The ratio is what sets prefill work and so TTFT; two consecutive blocks agreeing
 * means that both the cold starts and the filling are over. A block of one turn per agent averages over sessions
 * that start (only the shared prefix cached) and long ones deep into their context.
 */
final class CacheWarmth implements BooleanSupplier {

    /** The fewest requests in a block, so that few agents still average over several turns. */
    static final int MIN_BLOCK = 16;
    /** How close two consecutive blocks' cached ratios must be, in absolute terms (0.02: two points). */
    static final double TOLERANCE = 0.02;

    private final int block;
    private long cached;
    private long input;
    private int requests;
    private double previous = Double.NaN;
    private boolean warm;

    CacheWarmth(int agents) {
        this.block = Math.max(agents, MIN_BLOCK);
    }

    /** A request finished with {@code cachedTokens} of its {@code promptTokens} served from the cache. */
    void add(int cachedTokens, int promptTokens) {
        if (warm) return;
        cached += cachedTokens;
        input += promptTokens;
        if (++requests < block) return;
        double ratio = (double) cached / input;
        warm = Math.abs(ratio - previous) <= TOLERANCE;
        previous = ratio;
        cached = input = requests = 0;
    }

    @Override
    public boolean getAsBoolean() {
        return warm;
    }
}
