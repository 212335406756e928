package io.agentload.internal;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

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
        return atRank(sorted.length, p, i -> sorted[i]);
    }

    /** {@link #ofSorted(double[], double)} of single-precision values, computed in double as if widened first. */
    public static double ofSorted(float[] sorted, double p) {
        return atRank(sorted.length, p, i -> sorted[i]);
    }

    /** The interpolated value at rank p x (n - 1) of n sorted values read through {@code value}; NaN when n is 0. */
    private static double atRank(int n, double p, IntToDoubleFunction value) {
        if (n == 0) return Double.NaN;
        double rank = p * (n - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(n - 1, lo + 1);
        return interpolate(value.applyAsDouble(lo), value.applyAsDouble(hi), rank - lo);
    }

    /**
     * The {@code ps}-th percentiles ({@code ps} ascending, in [0, 1]) of {@code values}, which it reorders: the figures
     * {@link #ofSorted(float[], double)} gives after sorting, found by selection in linear time (for the millions of
     * inter-token gaps of a trial).
     */
    public static double[] select(float[] values, double... ps) {
        double[] out = new double[ps.length];
        int n = values.length;
        if (n == 0) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        for (float v : values) {
            // Selection compares with < and >, which order neither NaN nor -0.0 as the sort does.
            if (Float.isNaN(v) || Float.floatToRawIntBits(v) == Integer.MIN_VALUE) {
                Arrays.sort(values);
                for (int i = 0; i < ps.length; i++) out[i] = ofSorted(values, ps[i]);
                return out;
            }
        }
        int from = 0;
        for (int i = 0; i < ps.length; i++) {
            double rank = ps[i] * (n - 1);
            int lo = (int) Math.floor(rank);
            select(values, from, n - 1, lo);
            from = lo;
            // Everything after lo is at least values[lo]: the next rank's value is their minimum, needed only
            // between ranks.
            float next = values[lo];
            if (lo + 1 < n && rank != lo) {
                next = values[lo + 1];
                for (int j = lo + 2; j < n; j++) next = Math.min(next, values[j]);
            }
            out[i] = interpolate(values[lo], next, rank - lo);
        }
        return out;
    }

    private static double interpolate(double lo, double hi, double fraction) {
        if (fraction == 0 || lo == hi) return lo;
        return lo + (hi - lo) * fraction;
    }

    /**
     * Moves the k-th smallest of {@code a[left..right]} to {@code a[k]}, smaller ones before it, larger or equal ones
     * after. Each round partitions around a median of three without a branch per value (a value goes to the front or
     * stays by arithmetic, not by a jump the processor mispredicts half the time): a request's ITL summary, a few
     * hundred distinct gaps, took 1.6 times as long with a Hoare partition (docs/simulator-speed.md, "Change 10:
     * outside the engine, again"). Values equal to the pivot are gathered next to it only when there are any, so
     * that many equal values do not take one round each.
     */
    private static void select(float[] a, int left, int right, int k) {
        for (int rounds = 0; right > left; rounds++) {
            if (rounds == 64) {
                // Pathological pivots: sorting the rest bounds the cost at n log n.
                Arrays.sort(a, left, right + 1);
                return;
            }
            int mid = (left + right) >>> 1;
            float x = a[left], y = a[mid], z = a[right];
            float pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int at = pivot == x ? left : pivot == y ? mid : right;
            a[at] = a[right];
            a[right] = pivot;
            // Invariant: a[left..store) < pivot <= a[store..i).
            int store = left, equal = 0;
            for (int i = left; i < right; i++) {
                float v = a[i];
                a[i] = a[store];
                a[store] = v;
                store += v < pivot ? 1 : 0;
                equal += v == pivot ? 1 : 0;
            }
            a[right] = a[store];
            a[store] = pivot;
            if (k <= store) {
                if (k == store) return;
                right = store - 1;
                continue;
            }
            int above = store + 1;
            if (equal > 0) {
                for (int i = above; i <= right; i++) {
                    float v = a[i];
                    a[i] = a[above];
                    a[above] = v;
                    above += v == pivot ? 1 : 0;
                }
                if (k < above) return; // a[store..above) all equal the pivot
            }
            left = above;
        }
    }
}
