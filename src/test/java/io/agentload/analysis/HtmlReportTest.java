package io.agentload.analysis;

import io.agentload.replay.KnownSystem;
import io.agentload.replay.SloResult;
import io.agentload.replay.SloTier;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.awt.Color;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {

    private static final SloResult RESULT = new KnownSystem(2000, true).search(SloTier.parse("20,60,100"), 8);

    private static Color colour(XYChart chart, String series) {
        XYSeries s = chart.getSeriesMap().get(series);
        assertTrue(s != null, "no series '" + series + "' in " + chart.getSeriesMap().keySet());
        return s.getLineColor();
    }

    @Test
    void theReportEmbedsTheAnalysesOwnFigures() {
        String html = Analysis.report(RESULT);
        Matcher png = Pattern.compile("<img alt=\"([^\"]+)\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">")
                .matcher(html);
        List<Figure<XYChart>> expected = List.of(Analysis.tierShares(RESULT), Analysis.outputSpeedCurve(RESULT),
                Analysis.ttftCurve(RESULT), Analysis.throughput(RESULT), Analysis.power(RESULT));
        for (Figure<XYChart> f : expected) {
            assertTrue(png.find(), "no image for " + f.chart().getTitle());
            assertEquals(f.chart().getTitle(), png.group(1));
            assertEquals(Base64.getEncoder().encodeToString(f.png()), png.group(2), f.chart().getTitle());
        }
        assertFalse(png.find(), "one image per figure");
    }

    @Test
    void aResultWithoutPowerHasNoPowerChart() {
        SloResult unpowered = new KnownSystem(2000, false).search(SloTier.parse("20,60"), 8);
        assertEquals(4, HtmlReport.figures(unpowered).size());
    }

    @Test
    void eachTierHasOneColourOnEveryChartOfTheReport() {
        List<Figure<XYChart>> figures = HtmlReport.figures(RESULT);
        XYChart share = figures.get(0).chart(), speed = figures.get(1).chart(), ttft = figures.get(2).chart();
        Set<Color> tierColours = new HashSet<>();
        for (int i = 0; i < RESULT.tiers().size(); i++) {
            SloTier tier = RESULT.tiers().get(i).tier();
            Color c = colour(share, Tiers.name(tier));
            tierColours.add(c);
            for (XYChart curve : List.of(speed, ttft)) {
                String line = curve.getSeriesMap().keySet().stream().filter(n -> n.startsWith(Tiers.name(tier) + ":"))
                        .findFirst().orElseThrow();
                assertEquals(c, colour(curve, line), tier.label() + " on " + curve.getTitle());
            }
        }
        assertEquals(3, tierColours.size(), "three tiers, three colours");
        for (XYChart chart : List.of(speed, ttft)) {
            for (XYSeries s : chart.getSeriesMap().values()) {
                if (s.getName().endsWith(" of agents")) {
                    assertFalse(tierColours.contains(s.getLineColor()), s.getName() + " looks like a tier");
                }
            }
        }
    }

    @Test
    void theShareChartTabulatesEachTiersShareAndMarksTheShareNeeded() {
        Figure<XYChart> f = Analysis.tierShares(RESULT);
        assertEquals(RESULT.trials().size(), f.table().rowCount());
        SloTier slow = RESULT.tiers().get(0).tier();
        int at = f.table().intColumn("agents").indexOf(RESULT.tiers().get(0).maxAgents());
        assertTrue(f.table().doubleColumn("share_passing " + Tiers.name(slow)).get(at) >= 0.9);
        assertTrue(f.chart().getSeriesMap().containsKey("90% needed"));
    }
}
