package io.agentload.analysis;

import java.util.Arrays;

/**
 * Percentiles by exact sorting with linear interpolation between closest ranks (numpy's default), the rule the
 * {@code slo} package uses for every trial metric, so that curves drawn here match the search's verdicts.
 */
final class Quantiles {

    private Quantiles() {
    }

    /** The {@code p}-th percentile ({@code p} in [0, 1]) of {@code values}, which it sorts; NaN when empty. */
    static double of(double[] values, double p) {
        Arrays.sort(values);
        return ofSorted(values, p);
    }

    /** The {@code p}-th percentile of sorted values; infinities are allowed. */
    static double ofSorted(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        double rank = p * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        double fraction = rank - lo;
        if (fraction == 0 || sorted[lo] == sorted[hi]) return sorted[lo];
        return sorted[lo] + (sorted[hi] - sorted[lo]) * fraction;
    }
}
