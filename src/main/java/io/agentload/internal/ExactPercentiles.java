package io.agentload.internal;

import java.util.Arrays;

/**
 * Percentiles by exact sorting with linear interpolation between closest ranks (numpy's default, R-7, and what
 * aa-agentperf-local reports): the p-th percentile of n sorted values sits at rank p x (n - 1). Used for every
 * percentile in agentload's trajectory statistics, request records, results, analyses and charts, so that a curve
 * drawn from a run matches the search's verdicts. Exact rather than HdrHistogram because a trial's window holds at
 * most a few million values, and exact figures make results reproducible to the last digit.
 */
public final class ExactPercentiles {

    private ExactPercentiles() {
    }

    /** The {@code p}-th percentile ({@code p} in [0, 1]) of {@code values}, which it sorts; NaN when empty. */
    public static double of(double[] values, double p) {
        Arrays.sort(values);
        return ofSorted(values, p);
    }

    /** The {@code p}-th percentile of already sorted values; infinities are allowed. */
    public static double ofSorted(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        double rank = p * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        double fraction = rank - lo;
        if (fraction == 0 || sorted[lo] == sorted[hi]) return sorted[lo];
        return sorted[lo] + (sorted[hi] - sorted[lo]) * fraction;
    }
}
