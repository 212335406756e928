package io.agentload.analysis;

import io.agentload.power.Boundary;
import io.agentload.power.PowerSample;
import io.agentload.power.PowerSamples;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power over time on hand-made readings polled every second: two GPUs (gpu0 at 100, 110, 120 W, gpu1 100 W above)
 * at 1, 2 and 3 s, a failed poll at 4 s, both again at 5 s (130 and 230 W), and a node-boundary model reading of
 * 1,000 W every second.
 */
class PowerTraceTest {

    private static final double EPS = 1e-9;

    static PowerSamples readings() {
        List<PowerSample> s = new ArrayList<>();
        double[] gpu0 = {100, 110, 120};
        for (int t = 1; t <= 3; t++) {
            s.add(new PowerSample(t, "gpu0", gpu0[t - 1], Double.NaN, "nvidia-smi", Boundary.GPU));
            s.add(new PowerSample(t, "gpu1", gpu0[t - 1] + 100, Double.NaN, "nvidia-smi", Boundary.GPU));
        }
        s.add(PowerSample.gap(4, PowerSample.ALL_DEVICES, "nvidia-smi", Boundary.GPU));
        s.add(new PowerSample(5, "gpu0", 130, Double.NaN, "nvidia-smi", Boundary.GPU));
        s.add(new PowerSample(5, "gpu1", 230, Double.NaN, "nvidia-smi", Boundary.GPU));
        for (int t = 1; t <= 5; t++) s.add(new PowerSample(t, "model", 1000, Double.NaN, "model", Boundary.NODE));
        return PowerSamples.of(Duration.ofSeconds(1), s);
    }

    @Test
    void everyReadingIsARowAndEachBoundaryDrawsTheTotalOfItsPolls() {
        Figure<XYChart> f = Analysis.powerSamples(readings());
        Table t = f.table();
        assertEquals(List.of("time_s", "device", "watts", "energy_j", "source", "boundary"), t.columnNames());
        assertEquals(14, t.rowCount());
        assertEquals(330 + 630 + 130 + 230 + 5 * 1000.0,
                t.doubleColumn("watts").removeMissing().sum(), EPS);
        assertEquals(1, t.doubleColumn("watts").countMissing());           // the failed poll
        assertEquals(Set.of("gpu", "node"), t.stringColumn("boundary").asSet());

        XYChart c = f.chart();
        assertEquals(List.of("gpu boundary, sum of 2 devices", "node boundary"), Charts.seriesNames(c));
        double[][] gpus = Charts.xy(c, "gpu boundary, sum of 2 devices");
        assertArrayEquals(new double[] {1, 2, 3, 5}, gpus[0], 0);            // no point for the failed poll
        assertArrayEquals(new double[] {300, 320, 340, 360}, gpus[1], EPS);
        assertArrayEquals(new double[] {1000, 1000, 1000, 1000, 1000}, Charts.xy(c, "node boundary")[1], EPS);
        assertTrue(c.getTitle().contains("nvidia-smi, model, every 1 s"), c.getTitle());
        Charts.rendered(f);
    }

    @Test
    void aWindowMarksItsEdgesAndTheTimeWeightedMeanOfEachBoundary() {
        PowerSamples samples = readings();
        XYChart c = Analysis.powerSamples(samples, 0, 5).chart();
        // Each reading holds back to the previous row of its device: (1, 2] at 310 W, (2, 3] at 340 W; the failed
        // poll leaves (3, 4] uncovered; (4, 5] at 360 W. The mean is over the covered 3 s: 340 W.
        assertEquals(340, samples.summary(0, 5, Boundary.GPU).meanWatts(), EPS);
        assertEquals(List.of("gpu boundary, sum of 2 devices", "gpu mean 340 W", "node boundary", "node mean 1,000 W",
                "measurement window", "window end"), Charts.seriesNames(c));
        double[][] mean = Charts.xy(c, "gpu mean 340 W");
        assertArrayEquals(new double[] {0, 5}, mean[0], 0);
        assertArrayEquals(new double[] {340, 340}, mean[1], EPS);
        assertArrayEquals(new double[] {5, 5}, Charts.xy(c, "window end")[0], 0);
        Charts.rendered(new Figure<>(Table.create("t"), c));
    }

    @Test
    void nothingToDrawOrAnEmptyWindowSaysSo() {
        AnalysisException none = assertThrows(AnalysisException.class,
                () -> Analysis.powerSamples(PowerSamples.of(Duration.ofSeconds(1), List.of())));
        assertEquals("no power samples to draw", none.getMessage());
        AnalysisException empty = assertThrows(AnalysisException.class, () -> Analysis.powerSamples(readings(), 3, 3));
        assertEquals("power window [3.0, 3.0] s is empty", empty.getMessage());
        assertThrows(AnalysisException.class, () -> Analysis.powerSamples(readings(), Double.NaN, 3));
    }
}
