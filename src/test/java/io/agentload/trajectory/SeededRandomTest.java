package io.agentload.trajectory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeededRandomTest {

    @Test
    void uniformsCoverTheUnitIntervalEvenly() {
        SeededRandom r = new SeededRandom(1, 0);
        int n = 200_000;
        int[] deciles = new int[10];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            assertTrue(u >= 0 && u < 1);
            sum += u;
            deciles[(int) (u * 10)]++;
        }
        assertEquals(0.5, sum / n, 0.005);
        for (int count : deciles) assertEquals(n / 10.0, count, 5 * Math.sqrt(n * 0.1 * 0.9)); // 5 binomial sd
    }

    @Test
    void gaussiansAreStandardNormal() {
        SeededRandom r = new SeededRandom(2, 0);
        int n = 200_000;
        double sum = 0, squares = 0;
        int beyondTwo = 0;
        for (int i = 0; i < n; i++) {
            double z = r.nextGaussian();
            sum += z;
            squares += z * z;
            if (Math.abs(z) > 1.959964) beyondTwo++;
        }
        assertEquals(0, sum / n, 0.01);
        assertEquals(1, squares / n, 0.01);
        assertEquals(0.05, beyondTwo / (double) n, 0.003);
    }

    @Test
    void streamsAreReproducibleAndDistinctPerSeedAndIndex() {
        assertEquals(new SeededRandom(7, 3).nextLong(), new SeededRandom(7, 3).nextLong());
        assertNotEquals(new SeededRandom(7, 3).nextLong(), new SeededRandom(7, 4).nextLong());
        assertNotEquals(new SeededRandom(7, 3).nextLong(), new SeededRandom(8, 3).nextLong());
        // Adjacent streams must not be shifted copies of each other.
        SeededRandom a = new SeededRandom(7, 3), b = new SeededRandom(7, 4);
        long first = b.nextLong();
        for (int i = 0; i < 10_000; i++) assertNotEquals(first, a.nextLong());
    }
}
