package io.agentload.analysis;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StyleTest {

    @Test
    void aLogAxisSpanningUnderTwoDecadesIsTickedBetweenPowersOfTen() {
        XYChart chart = Style.xy("t", "agents", "TTFT (s)");
        // TTFTs of 0.2-6 s: ticks at powers of ten alone would label only "1" (the report's TTFT chart did).
        Style.logY(chart.getStyler(), 0.2, 1.5, 6);
        assertFalse(chart.getStyler().isYAxisLogarithmicDecadeOnly());
        // 1-256 agents span more than two decades: a tick per decade stays legible.
        Style.logX(chart, 1, 16, 256);
        assertTrue(chart.getStyler().isXAxisLogarithmicDecadeOnly());
    }

    @Test
    void infiniteAndNonPositiveValuesDoNotWidenTheSpan() {
        XYChart chart = Style.xy("t", "agents", "TTFT (s)");
        Style.logY(chart.getStyler(), 0, 0.5, 3, Double.POSITIVE_INFINITY, Double.NaN);
        assertFalse(chart.getStyler().isYAxisLogarithmicDecadeOnly());
        Style.logX(chart);
        assertTrue(chart.getStyler().isXAxisLogarithmicDecadeOnly(), "without values, a tick per decade");
    }
}
