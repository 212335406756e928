package io.agentload.internal;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExactPercentilesTest {

    @Test
    void interpolatesLinearlyBetweenClosestRanksLikeNumpy() {
        double[] v = {4, 1, 3, 2};
        assertEquals(2.5, ExactPercentiles.of(v, 0.5), 1e-12);
        assertEquals(3.7, ExactPercentiles.of(v, 0.9), 1e-12);
        assertEquals(3.97, ExactPercentiles.of(v, 0.99), 1e-12);
        assertEquals(1, ExactPercentiles.of(v, 0), 0);
        assertEquals(4, ExactPercentiles.of(v, 1), 0);
        assertEquals(7, ExactPercentiles.of(new double[] {7}, 0.9), 0);
        assertTrue(Double.isNaN(ExactPercentiles.of(new double[0], 0.5)));
    }

    @Test
    void infiniteValuesStayInfiniteWithoutTurningNaN() {
        double[] v = {1, 2, Double.POSITIVE_INFINITY};
        assertEquals(2, ExactPercentiles.of(v, 0.5), 0);
        assertEquals(Double.POSITIVE_INFINITY, ExactPercentiles.of(v, 0.9));
        assertEquals(Double.POSITIVE_INFINITY, ExactPercentiles.of(new double[] {1, Double.POSITIVE_INFINITY}, 1));
    }

    @Test
    void selectionGivesTheFiguresOfSorting() {
        SplittableRandom random = new SplittableRandom(7);
        double[] ps = {0, 0.5, 0.9, 0.99, 1};
        for (int trial = 0; trial < 300; trial++) {
            int n = random.nextInt(1, 3000);
            float[] values = new float[n];
            // Few distinct values in some arrays, as steps of equal length give equal gaps; zeros in others.
            int distinct = trial % 3 == 0 ? 1 + random.nextInt(5) : Integer.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                values[i] = distinct == Integer.MAX_VALUE ? (float) random.nextDouble() : random.nextInt(distinct) * 0.01f;
            }
            // One value in two fifths of the places, the rest distinct: what a real endpoint's gaps may look like.
            if (trial % 5 == 1) for (int i = 0; i < n; i++) if (random.nextInt(5) < 2) values[i] = 0.5f;
            if (trial % 7 == 0) values[random.nextInt(n)] = trial % 14 == 0 ? -0.0f : Float.NaN;
            if (trial % 11 == 0) Arrays.sort(values);
            float[] sorted = values.clone();
            Arrays.sort(sorted);
            double[] selected = ExactPercentiles.select(values.clone(), ps);
            for (int i = 0; i < ps.length; i++) {
                double expected = ExactPercentiles.ofSorted(sorted, ps[i]);
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(selected[i]),
                        "n " + n + ", p " + ps[i] + ": " + expected + " vs " + selected[i]);
            }
        }
        assertTrue(Double.isNaN(ExactPercentiles.select(new float[0], 0.5)[0]));
    }

    @Test
    void singlePrecisionPercentilesEqualThoseOfTheWidenedValues() {
        float[] f = {0.3f, 0.1f, 0.7f, 0.2f, 0.9f};
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        Arrays.sort(f);
        Arrays.sort(d);
        for (double p : new double[] {0.5, 0.9, 0.99}) {
            assertEquals(ExactPercentiles.ofSorted(d, p), ExactPercentiles.ofSorted(f, p), 0);
        }
    }
}
