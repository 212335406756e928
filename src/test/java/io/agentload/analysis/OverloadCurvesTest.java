package io.agentload.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.agentload.replay.KnownSystem;
import io.agentload.replay.SloResult;
import io.agentload.replay.SloTier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SLO curves of a search that overloads {@link KnownSystem} (capacity 400, tiers 20 and 60 tok/s on 2 GPUs):
 * agent a of N is held through the window when N + a &gt; 20, so it counts as TTFT infinite and speed 0. The search
 * runs as without holding (those agents miss 20 tok/s anyway): 1, 2, 4, 8, 16, 12, 10, 11, 3. Held agents: 1 of 11
 * (the p99 TTFT is infinite), 3 of 12 (p90 and p99 infinite, p10 speed 0) and 11 of 16 (every TTFT percentile
 * infinite, p10 and p50 speed 0). The charts draw every trial, the overloaded ones at the plot's edge with a
 * triangle, and the tables keep the infinities; both are compared with golden files in
 * {@code src/test/resources/analysis/overload} (run with {@code -Dgolden.update=true} to rewrite them after a
 * deliberate change, and read the diff).
 */
class OverloadCurvesTest {

    private static final List<SloTier> TIERS = SloTier.parse("20,60");
    private static final Path GOLDEN = Path.of("src/test/resources/analysis/overload");
    private static final double[] ALL_AGENTS = {1, 2, 3, 4, 8, 10, 11, 12, 16};

    private static SloResult overloaded;

    @BeforeAll
    static void search() {
        overloaded = new KnownSystem(400, false, 20).search(TIERS, 2);
    }

    @Test
    void ttftCurveDrawsTheUnboundedTailAtTheTopAndMarksIt() {
        Figure<XYChart> f = Analysis.ttftCurve(overloaded);
        XYChart c = f.chart();
        assertEquals("Per-agent TTFT against concurrency (off the scale: 3 trials)", c.getTitle());
        double top = c.getStyler().getYAxisMax();
        // The on-scale maximum is the 6 s tier limit; the edge sits a factor of two above it on the log axis.
        assertTrue(c.getStyler().isYAxisLogarithmic());
        assertEquals(12, top, 0);
        for (String p : List.of("p50", "p90", "p99")) {
            assertArrayEquals(ALL_AGENTS, Charts.xy(c, p + " of agents")[0], 0, p + " has every trial");
        }
        assertArrayEquals(new double[] {1.6, 1.75, top}, tail(Charts.xy(c, "p50 of agents")[1]), 1e-9);
        assertArrayEquals(new double[] {2.0, top, top}, tail(Charts.xy(c, "p90 of agents")[1]), 1e-9);
        assertArrayEquals(new double[] {top, top, top}, tail(Charts.xy(c, "p99 of agents")[1]), 0);
        double[][] marked = Charts.xy(c, "infinite: agents failed or held");
        assertArrayEquals(new double[] {11, 12, 16}, marked[0], 0);
        assertArrayEquals(new double[] {top, top, top}, marked[1], 0);

        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 1, 3, 11}, f.table().intColumn("agents_failed_or_held")
                .asIntArray());
        assertEquals(Double.POSITIVE_INFINITY, f.table().doubleColumn("agent_ttft_p99_s").getDouble(6));
        assertEquals("\u221e", f.table().getString(6, "agent_ttft_p99_s"));
        assertGolden("ttft-curve.csv", csv(f));
        assertGolden("ttft-curve-series.json", series(c));
        Charts.rendered(f);
    }

    @Test
    void outputSpeedCurveDrawsAgentsAtZeroAtTheBottomAndMarksThem() {
        Figure<XYChart> f = Analysis.outputSpeedCurve(overloaded);
        XYChart c = f.chart();
        assertEquals("Per-agent output speed against concurrency (off the scale: 2 trials)", c.getTitle());
        assertTrue(c.getStyler().isYAxisLogarithmic(), "400 tok/s down to 20 spans more than a decade");
        double bottom = c.getStyler().getYAxisMin();
        for (String p : List.of("p10", "p50", "p90")) {
            assertArrayEquals(ALL_AGENTS, Charts.xy(c, p + " of agents")[0], 0, p + " has every trial");
        }
        assertEquals(bottom, Charts.xy(c, "p10 of agents")[1][7], 0);
        assertEquals(bottom, Charts.xy(c, "p10 of agents")[1][8], 0);
        assertEquals(bottom, Charts.xy(c, "p50 of agents")[1][8], 0);
        double[][] marked = Charts.xy(c, "0 tok/s: agents failed or held");
        assertArrayEquals(new double[] {12, 16}, marked[0], 0);
        assertArrayEquals(new double[] {bottom, bottom}, marked[1], 0);
        assertEquals(0, f.table().doubleColumn("agent_output_tps_p10").getDouble(8), 0);
        assertGolden("output-speed-curve.csv", csv(f));
        assertGolden("output-speed-curve-series.json", series(c));
        Charts.rendered(f);
    }

    @Test
    void aSearchWithoutOverloadKeepsItsChartsAsTheyWere() {
        XYChart c = Analysis.ttftCurve(new KnownSystem(400, false).search(TIERS, 2)).chart();
        assertEquals("Per-agent TTFT against concurrency", c.getTitle());
        assertEquals(List.of("p50 of agents", "p90 of agents", "p99 of agents", "20 tok/s, TTFT \u2264 6 s: max 11",
                "60 tok/s, TTFT \u2264 3 s: max 3", "max agents per tier"), Charts.seriesNames(c));
        assertEquals(null, c.getStyler().getYAxisMax(), "XChart fits the axis to the data");
    }

    /** The values at 11, 12 and 16 agents. */
    private static double[] tail(double[] y) {
        return new double[] {y[6], y[7], y[8]};
    }

    private static String csv(Figure<?> f) {
        StringWriter out = new StringWriter();
        f.table().write().csv(out);
        return out.toString();
    }

    /** The chart as its title, y axis and every series' name, look and points: what a reader of the PNG sees. */
    private static String series(XYChart c) {
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("title", c.getTitle());
        chart.put("y_log", c.getStyler().isYAxisLogarithmic());
        chart.put("y_min", c.getStyler().getYAxisMin());
        chart.put("y_max", c.getStyler().getYAxisMax());
        List<Map<String, Object>> all = new ArrayList<>();
        for (XYSeries s : c.getSeriesMap().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.getName());
            m.put("style", String.valueOf(s.getXYSeriesRenderStyle() == null
                    ? c.getStyler().getDefaultSeriesRenderStyle() : s.getXYSeriesRenderStyle()));
            m.put("marker", s.getMarker() == OffScale.Arrowhead.UP ? "arrowhead up"
                    : s.getMarker() == OffScale.Arrowhead.DOWN ? "arrowhead down"
                    : s.getMarker() == null ? "none" : s.getMarker().getClass().getSimpleName());
            m.put("color", s.getMarkerColor() == null ? null
                    : String.format(Locale.ROOT, "#%06X", s.getMarkerColor().getRGB() & 0xFFFFFF));
            m.put("x", s.getXData());
            m.put("y", s.getYData());
            all.add(m);
        }
        chart.put("series", all);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(chart) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertGolden(String name, String actual) {
        Path file = GOLDEN.resolve(name);
        try {
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(GOLDEN);
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            }
            assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
