package io.agentload.replay;

import io.agentload.analysis.Analysis;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.awt.Color;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {

    private static final SloResult RESULT = SloSearch.over(CapacityRunner.standard())
            .withTiers(SloTier.parse("20,60,100")).withGpus(8).run();

    private static Color colour(XYChart chart, String series) {
        XYSeries s = chart.getSeriesMap().get(series);
        assertTrue(s != null, "no series '" + series + "' in " + chart.getSeriesMap().keySet());
        return s.getLineColor();
    }

    @Test
    void eachTierHasOneColourOnEveryChartOfTheReportAndOfTheAnalysisCurves() {
        List<XYChart> charts = HtmlReport.charts(RESULT);
        XYChart share = charts.get(0), speed = charts.get(1), ttft = charts.get(2);
        XYChart speedCurve = Analysis.outputSpeedCurve(RESULT).chart(), ttftCurve = Analysis.ttftCurve(RESULT).chart();
        Set<Color> tierColours = new HashSet<>();
        for (int i = 0; i < RESULT.tiers().size(); i++) {
            SloTier tier = RESULT.tiers().get(i).tier();
            Color c = colour(share, tier.label());
            tierColours.add(c);
            String speedName = SloTier.number(tier.minOutputTokensPerSecond()) + " tok/s";
            assertEquals(c, colour(speed, "min " + speedName), tier.label() + " on the speed chart");
            assertEquals(c, colour(ttft, "max " + SloTier.number(tier.maxTtftSeconds()) + " s"),
                    tier.label() + " on the TTFT chart");
            for (XYChart curve : List.of(speedCurve, ttftCurve)) {
                String line = curve.getSeriesMap().keySet().stream().filter(n -> n.startsWith(speedName + ", TTFT"))
                        .findFirst().orElseThrow();
                assertEquals(c, colour(curve, line), tier.label() + " on " + curve.getTitle());
            }
        }
        assertEquals(3, tierColours.size(), "three tiers, three colours");
        for (XYChart chart : List.of(speed, ttft)) {
            for (XYSeries s : chart.getSeriesMap().values()) {
                if (s.getName().contains("% of agents")) {
                    assertFalse(tierColours.contains(s.getLineColor()), s.getName() + " looks like a tier");
                }
            }
        }
    }

    @Test
    void aLogAxisSpanningUnderTwoDecadesIsTickedBetweenPowersOfTen() {
        List<XYChart> charts = HtmlReport.charts(RESULT);
        XYChart speed = charts.get(1), ttft = charts.get(2);
        // TTFTs of 0.2-6 s: ticks at powers of ten alone would label only "1".
        assertFalse(ttft.getStyler().isYAxisLogarithmicDecadeOnly());
        // 1-256 agents and speeds of 15-4,000 tok/s span more than two decades: a tick per decade stays legible.
        assertTrue(ttft.getStyler().isXAxisLogarithmicDecadeOnly());
        assertTrue(speed.getStyler().isYAxisLogarithmicDecadeOnly());
    }
}
