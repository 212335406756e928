package io.agentload.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts non-negative integers (token counts, milliseconds) in logarithmically spaced bins: bin k holds the values
 * v with ceil(10^(k/b)) &le; v &lt; ceil(10^((k+1)/b)) for b bins per decade. Rounding the edges up to integers
 * loses nothing on integer data (an integer is at least an edge exactly when it is at least the edge's ceiling) and
 * gives tables exact bounds; bins that rounding leaves empty-width (below about b/ln 10) are dropped. Zeros, which a
 * logarithmic axis cannot place, get a bin [0, 1) of their own, listed first. Every bin between the smallest and the
 * largest value is listed, empty ones too, so that the bins tile the range.
 */
final class LogBins {

    /**
     * One bin.
     *
     * @param from  smallest value of the bin
     * @param to    first value above the bin
     * @param count values in [from, to)
     */
    record Bin(long from, long to, long count) {
    }

    private LogBins() {
    }

    static List<Bin> of(long[] values, int binsPerDecade) {
        if (binsPerDecade < 1) throw new IllegalArgumentException("bins per decade " + binsPerDecade + " < 1");
        long zeros = 0;
        int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
        int[] index = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            long v = values[i];
            if (v < 0) throw new IllegalArgumentException("negative value " + v);
            if (v == 0) {
                zeros++;
                continue;
            }
            index[i] = binOf(v, binsPerDecade);
            lo = Math.min(lo, index[i]);
            hi = Math.max(hi, index[i]);
        }
        List<Bin> bins = new ArrayList<>();
        if (zeros > 0) bins.add(new Bin(0, 1, zeros));
        if (hi < lo) return bins;
        long[] counts = new long[hi - lo + 1];
        for (int i = 0; i < values.length; i++) {
            if (values[i] > 0) counts[index[i] - lo]++;
        }
        for (int k = lo; k <= hi; k++) {
            long from = edge(k, binsPerDecade), to = edge(k + 1, binsPerDecade);
            if (from < to) bins.add(new Bin(from, to, counts[k - lo]));
        }
        return bins;
    }

    /** The smallest integer at least 10^(k/b); exact at whole decades, where k/b is an exact integer. */
    static long edge(int k, int binsPerDecade) {
        return (long) Math.ceil(Math.pow(10, (double) k / binsPerDecade));
    }

    /** The k with edge(k) &le; v &lt; edge(k + 1), for v &ge; 1. */
    static int binOf(long v, int binsPerDecade) {
        int k = (int) Math.floor(binsPerDecade * Math.log10(v));
        while (edge(k, binsPerDecade) > v) k--;
        while (edge(k + 1, binsPerDecade) <= v) k++;
        return k;
    }
}
