package io.agentload.internal;

import org.junit.jupiter.api.Test;

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
}
