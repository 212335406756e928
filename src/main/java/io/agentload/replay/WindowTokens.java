package io.agentload.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Counts a trial's output tokens by when they were generated: every request's (warm-up, measured or cool-down) tokens
 * produced after its measurement window opened and no later than it closed, {@code (start, end]}. A token's time is
 * the end of the engine step that produced it (virtual time) or the arrival of the chunk that carried it (real
 * time), so a step ending as the window opens worked before it. This is the trial's output throughput
 * ({@link TrialMetrics#outputTokensPerSecond()}): what a server-side token counter would read over the window, over
 * the same stretch as the window's energy, and the same whether or not the trial was cut after its window.
 *
 * <p>Tokens may be reported before the window is known (the pool opens it at a completion, or at its maximum warm-up
 * once that has passed). Those at or before {@code holdAfter} are dropped: the caller vouches that none of them can
 * fall inside the window. Later ones are held until {@link #open}. A virtual-time trial reports tokens in time order
 * of the events that report them, so its window, opened at the completion being reported or at its latest start,
 * follows every token reported before: its {@code holdAfter} is the latest start. A real-time trial's completions
 * come from many threads, so it holds everything after the earliest start.
 *
 * <p>Not thread-safe: a real-time trial calls it under its own lock.
 */
final class WindowTokens {

    /** Tokens reported before the window was known, at {@code times} (ascending), spread evenly over them. */
    private record Held(double[] times, long tokens) {
    }

    private final double holdAfter;
    private final List<Held> held = new ArrayList<>();
    private double start = Double.NaN;
    private double end = Double.NaN;
    private long tokens;

    /** A count whose window is not known yet; tokens reported before it at or before {@code holdAfter} are dropped. */
    WindowTokens(double holdAfter) {
        this.holdAfter = holdAfter;
    }

    /** The count over a window known from the start. */
    static WindowTokens over(double start, double end) {
        WindowTokens w = new WindowTokens(Double.POSITIVE_INFINITY);
        w.open(start, end);
        return w;
    }

    /**
     * The window's tokens as far as {@code records} tell: each record's tokens spread evenly over its chunks, at the
     * times its gaps give, or evenly from its first to its last token when it kept no gaps. Exact for records that
     * kept their gaps of one token each; for a trial assembled from records, whose driver did not count.
     */
    static long ofRecords(List<RequestRecord> records, double start, double end) {
        WindowTokens w = over(start, end);
        for (RequestRecord r : records) {
            if (r.outputTokens() <= 0 || Double.isNaN(r.firstTokenTime())) continue;
            float[] gaps = r.interTokenLatencies();
            double[] times;
            if (r.interTokenLatenciesKept() && gaps.length > 0) {
                times = new double[gaps.length + 1];
                times[0] = r.firstTokenTime();
                for (int i = 0; i < gaps.length; i++) times[i + 1] = times[i] + gaps[i];
            } else {
                times = new double[r.outputTokens()];
                double step = (r.lastTokenTime() - r.firstTokenTime()) / Math.max(1, times.length - 1);
                for (int i = 0; i < times.length; i++) times[i] = r.firstTokenTime() + i * step;
            }
            w.add(times, r.outputTokens());
        }
        return w.tokens();
    }

    /** Whether the window is known. */
    boolean isOpen() {
        return !Double.isNaN(start);
    }

    /** The window is {@code (start, end]}: counts the tokens held so far that fall in it. */
    void open(double start, double end) {
        if (isOpen()) {
            throw new IllegalStateException("the window is open already: (" + this.start + ", " + this.end + "]");
        }
        if (!(start < end)) throw new IllegalArgumentException("window (" + start + ", " + end + "] is empty");
        this.start = start;
        this.end = end;
        for (Held h : held) add(h.times(), h.tokens());
        held.clear();
    }

    /** {@code count} tokens generated at {@code time} (one step's, or one chunk's). */
    void add(double time, int count) {
        if (isOpen()) {
            if (time > start && time <= end) tokens += count;
        } else if (time > holdAfter) {
            held.add(new Held(new double[] {time}, count));
        }
    }

    /** One token at each of {@code times[from]}, ..., {@code times[to - 1]} (ascending). */
    void add(double[] times, int from, int to) {
        if (from >= to) return;
        if (isOpen()) {
            if (times[to - 1] <= start || times[from] > end) return;
            for (int i = from; i < to; i++) if (times[i] > start && times[i] <= end) tokens++;
        } else if (times[to - 1] > holdAfter) {
            held.add(new Held(Arrays.copyOfRange(times, from, to), to - from));
        }
    }

    /**
     * {@code count} tokens that arrived in chunks at {@code times} (ascending), spread evenly over them and rounded per
     * request: exact when each chunk carries one token, as a server streaming token by token sends them.
     */
    void add(double[] times, long count) {
        if (times.length == 0 || count <= 0) return;
        if (!isOpen()) {
            if (times[times.length - 1] > holdAfter) held.add(new Held(times, count));
            return;
        }
        int in = 0;
        for (double t : times) if (t > start && t <= end) in++;
        tokens += in == times.length ? count : Math.round((double) count * in / times.length);
    }

    /** The tokens counted in the window so far. */
    long tokens() {
        if (!isOpen()) throw new IllegalStateException("the window is not known yet");
        return tokens;
    }
}
