package io.agentload.replay;

import io.agentload.internal.ExactPercentiles;

import java.util.Arrays;

/**
 * The inter-token gaps of a trial's successful measured requests as an exact multiset, so that a trial's ITL
 * percentiles need no request to keep its gaps. The simulator's gaps repeat its step times (every sequence a decode
 * step advances gets the same gap), so they are counted per distinct value: about one per engine step, against one
 * gap per sequence and step. A real endpoint's gaps are nearly all distinct, and counting them would cost
 * more than keeping them, so once distinct values are over half of the gaps (and many) they are kept as a plain
 * array instead. Percentiles are those of {@link ExactPercentiles} over every gap, to the last bit.
 *
 * <p>Not thread-safe: the {@link AgentPool} adds under its lock.
 */
final class GapCounts {

    /** Below this many distinct values counting always stays: a small trial's table is cheap either way. */
    private static final int MIN_DISTINCT_TO_SWITCH = 1 << 16;

    // Counting: open addressing on a float's bits, a count of 0 marks an empty slot.
    private int[] keys = new int[1024];
    private long[] counts = new long[1024];
    private int distinct;
    // Listing, once counting stopped paying: every gap, counted ones expanded.
    private float[] listed;
    private long gaps;

    /** Adds {@code values[from..to)}. */
    void add(float[] values, int from, int to) {
        for (int i = from; i < to; i++) add(values[i]);
    }

    /** Adds one gap. */
    void add(float gap) {
        gaps++;
        if (listed != null) {
            int n = (int) (gaps - 1);
            if (n == listed.length) listed = Arrays.copyOf(listed, Math.addExact(n, (n >> 1) + 16));
            listed[n] = gap;
            return;
        }
        int bits = Float.floatToIntBits(gap); // one NaN: all sort alike
        int mask = keys.length - 1;
        for (int i = mix(bits) & mask; ; i = (i + 1) & mask) {
            if (counts[i] == 0) {
                keys[i] = bits;
                counts[i] = 1;
                if (++distinct * 2 > keys.length) grow();
                return;
            }
            if (keys[i] == bits) {
                counts[i]++;
                return;
            }
        }
    }

    /** How many gaps were added. */
    long size() {
        return gaps;
    }

    /** The {@code p50, p90, p99} of every gap added, as {@link ExactPercentiles} gives them; NaN without gaps. */
    TrialMetrics.Percentiles percentiles() {
        if (gaps == 0) return TrialMetrics.Percentiles.NONE;
        if (listed != null && listed.length != gaps) listed = Arrays.copyOf(listed, (int) gaps);
        // Selection reorders the listed gaps, which leaves the multiset as it was.
        double[] p = listed != null ? ExactPercentiles.select(listed, 0.5, 0.9, 0.99) : counted(0.5, 0.9, 0.99);
        return new TrialMetrics.Percentiles(p[0], p[1], p[2]);
    }

    /** Percentiles {@code ps} from the distinct values in order and their cumulative counts. */
    private double[] counted(double... ps) {
        float[] values = new float[distinct];
        int v = 0;
        for (int i = 0; i < keys.length; i++) {
            if (counts[i] != 0) values[v++] = Float.intBitsToFloat(keys[i]);
        }
        Arrays.sort(values); // the order Arrays.sort gives every gap, -0.0 before 0.0
        long[] upTo = new long[distinct]; // gaps up to and including each value
        long seen = 0;
        for (int d = 0; d < distinct; d++) upTo[d] = seen += count(values[d]);
        double[] out = new double[ps.length];
        for (int k = 0; k < ps.length; k++) {
            double rank = ps[k] * (gaps - 1);
            long lo = (long) Math.floor(rank);
            float low = valueAt(values, upTo, lo), high = valueAt(values, upTo, Math.min(gaps - 1, lo + 1));
            // ExactPercentiles' interpolation between the two closest ranks, so that the figures match to the bit.
            out[k] = ExactPercentiles.ofSorted(new float[]{low, high}, rank - lo);
        }
        return out;
    }

    /** The value at {@code rank} (from 0) of every gap in order. */
    private static float valueAt(float[] sortedDistinct, long[] upTo, long rank) {
        int i = Arrays.binarySearch(upTo, rank + 1);
        return sortedDistinct[i >= 0 ? i : -i - 1];
    }

    private long count(float value) {
        int bits = Float.floatToIntBits(value);
        int mask = keys.length - 1;
        for (int i = mix(bits) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == bits && counts[i] != 0) return counts[i];
        }
    }

    private void grow() {
        if (distinct >= MIN_DISTINCT_TO_SWITCH && distinct * 2L > gaps) {
            list();
            return;
        }
        int[] oldKeys = keys;
        long[] oldCounts = counts;
        keys = new int[oldKeys.length * 2];
        counts = new long[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldCounts[j] == 0) continue;
            int i = mix(oldKeys[j]) & mask;
            while (counts[i] != 0) i = (i + 1) & mask;
            keys[i] = oldKeys[j];
            counts[i] = oldCounts[j];
        }
    }

    /** Counting no longer pays: every gap so far into a plain array, in no particular order. */
    private void list() {
        listed = new float[Math.toIntExact(gaps + (gaps >> 1) + 16)];
        int n = 0;
        for (int j = 0; j < keys.length; j++) {
            float value = Float.intBitsToFloat(keys[j]);
            for (long c = counts[j]; c > 0; c--) listed[n++] = value;
        }
        keys = null;
        counts = null;
    }

    private static int mix(int bits) {
        int h = bits * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
