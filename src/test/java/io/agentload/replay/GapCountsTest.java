package io.agentload.replay;

import io.agentload.internal.ExactPercentiles;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GapCountsTest {

    /** The figures of ExactPercentiles over every gap, as TrialMetrics computed them from kept gaps. */
    private static TrialMetrics.Percentiles exact(float[] gaps) {
        if (gaps.length == 0) return TrialMetrics.Percentiles.NONE;
        double[] p = ExactPercentiles.select(gaps.clone(), 0.5, 0.9, 0.99);
        return new TrialMetrics.Percentiles(p[0], p[1], p[2]);
    }

    private static TrialMetrics.Percentiles counted(float[] gaps) {
        GapCounts counts = new GapCounts();
        // In pieces, as requests complete.
        for (int from = 0; from < gaps.length; from += 37) counts.add(gaps, from, Math.min(gaps.length, from + 37));
        assertEquals(gaps.length, counts.size());
        return counts.percentiles();
    }

    @Test
    void stepGapsSharedBySequencesGiveTheExactPercentilesToTheBit() {
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            // A few distinct step times, each repeated by the sequences of its batch.
            float[] steps = new float[1 + random.nextInt(300)];
            for (int i = 0; i < steps.length; i++) steps[i] = (float) (0.005 + random.nextDouble() * 0.1);
            float[] gaps = new float[random.nextInt(5_000)];
            for (int i = 0; i < gaps.length; i++) gaps[i] = steps[random.nextInt(steps.length)];
            assertEquals(exact(gaps), counted(gaps), "round " + round + ", " + gaps.length + " gaps");
        }
    }

    @Test
    void edgeCases() {
        assertEquals(TrialMetrics.Percentiles.NONE, counted(new float[0]));
        assertEquals(exact(new float[]{0.25f}), counted(new float[]{0.25f}));
        float[] zeros = {0f, -0f, 0f, 0.5f, -0f, 0.125f, 0f};
        assertEquals(exact(zeros), counted(zeros), "-0.0 sorts before 0.0, as Arrays.sort puts it");
        float[] huge = new float[1000];
        Arrays.fill(huge, 3e38f);
        huge[0] = Float.MAX_VALUE;
        assertEquals(exact(huge), counted(huge));
    }

    @Test
    void distinctGapsAreListedRatherThanCountedAndStayExact() {
        // A real endpoint's gaps: nearly every one distinct, more than the counting table is allowed to hold.
        SplittableRandom random = new SplittableRandom(5);
        float[] gaps = new float[300_000];
        for (int i = 0; i < gaps.length; i++) gaps[i] = (float) (0.001 + random.nextDouble() * 0.05);
        assertEquals(exact(gaps), counted(gaps));
        GapCounts counts = new GapCounts();
        counts.add(gaps, 0, gaps.length);
        TrialMetrics.Percentiles once = counts.percentiles();
        counts.add(gaps, 0, 1000);
        float[] more = Arrays.copyOf(gaps, gaps.length + 1000);
        System.arraycopy(gaps, 0, more, gaps.length, 1000);
        assertEquals(exact(more), counts.percentiles(), "adding after a percentile still counts every gap");
        assertEquals(exact(gaps), once);
    }
}
