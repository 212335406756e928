package io.agentload.analysis;

import io.agentload.replay.KnownSystem;
import io.agentload.replay.RequestRecord;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trials of {@link KnownSystem} side by side. At 4 agents and capacity 400, agent a gets 400 / (4 + a) tok/s (100,
 * 80, 66.7, 57.1) and TTFT 0.1 (4 + a) s on each of two requests; at capacity 800, twice the speed and the same TTFT.
 */
class TrialComparisonTest {

    private static final double EPS = 1e-9;
    private static final List<SloTier> TIERS = SloTier.parse("20,60");

    private static TrialMetrics trial(double capacity) {
        return new KnownSystem(capacity, false).metrics(4);
    }

    private static Map<String, TrialMetrics> realAndVirtual() {
        Map<String, TrialMetrics> trials = new LinkedHashMap<>();
        trials.put("real time", trial(400));
        trials.put("virtual time", trial(800));
        return trials;
    }

    @Test
    void tableHasOneRowPerTrialAndTierWithTheTiersOwnFigures() {
        Table t = Analysis.trialComparison(realAndVirtual(), TIERS).table();
        assertEquals(List.of("trial", "agents", "window_s", "measured_requests", "failed_requests",
                "request_ttft_p50_s", "request_ttft_p90_s", "request_ttft_p99_s", "agents_failed_or_held",
                "agent_output_tps_p10", "agent_output_tps_p50", "agent_ttft_p50_s", "agent_ttft_p90_s",
                "cached_token_ratio", "output_tps", "tier", "agents_judged", "agents_passing", "share_passing",
                "passed"), t.columnNames());
        assertEquals(List.of("real time", "real time", "virtual time", "virtual time"),
                t.stringColumn("trial").asList());
        assertEquals(List.of("20 tok/s, TTFT \u2264 6 s", "60 tok/s, TTFT \u2264 3 s", "20 tok/s, TTFT \u2264 6 s",
                "60 tok/s, TTFT \u2264 3 s"), t.stringColumn("tier").asList());
        assertArrayEquals(new int[] {8, 8, 8, 8}, t.intColumn("measured_requests").asIntArray());
        assertEquals(60, t.doubleColumn("window_s").getDouble(0), EPS);
        // Request TTFTs 0.4, 0.4, 0.5, 0.5, 0.6, 0.6, 0.7, 0.7: p50 0.55, p90 at rank 6.3 is 0.7.
        assertEquals(0.55, t.doubleColumn("request_ttft_p50_s").getDouble(0), EPS);
        assertEquals(0.7, t.doubleColumn("request_ttft_p90_s").getDouble(0), EPS);
        // Speeds 400/7, 400/6, 80, 100: p10 at rank 0.3 is 400/7 + 0.3 (400/6 - 400/7) = 60; p50 (400/6 + 80) / 2.
        assertEquals(60, t.doubleColumn("agent_output_tps_p10").getDouble(0), EPS);
        assertEquals((400 / 6.0 + 80) / 2, t.doubleColumn("agent_output_tps_p50").getDouble(0), EPS);
        assertEquals(120, t.doubleColumn("agent_output_tps_p10").getDouble(2), EPS);
        // Agents' TTFTs 0.4, 0.5, 0.6, 0.7: p50 0.55, p90 at rank 2.7 is 0.67.
        assertEquals(0.55, t.doubleColumn("agent_ttft_p50_s").getDouble(0), EPS);
        assertEquals(0.67, t.doubleColumn("agent_ttft_p90_s").getDouble(0), EPS);
        assertEquals(0.9, t.doubleColumn("cached_token_ratio").getDouble(0), EPS);
        // 60 tok/s: 3 of 4 agents at capacity 400 (57.1 tok/s misses), so 75% < 90% fails; all 4 at capacity 800.
        assertArrayEquals(new int[] {4, 3, 4, 4}, t.intColumn("agents_passing").asIntArray());
        assertEquals(0.75, t.doubleColumn("share_passing").getDouble(1), EPS);
        assertEquals(List.of(true, false, true, true), t.booleanColumn("passed").asList());
        TrialMetrics real = realAndVirtual().get("real time");
        for (int tier = 0; tier < 2; tier++) {
            assertEquals(real.check(TIERS.get(tier)).passed(), t.booleanColumn("passed").get(tier));
        }
    }

    @Test
    void chartDrawsEveryAgentAndEachTiersCorner() {
        XYChart chart = Analysis.trialComparison(realAndVirtual(), TIERS).chart();
        XYSeries real = chart.getSeriesMap().get("real time (4 agents)");
        assertEquals(XYSeries.XYSeriesRenderStyle.Scatter, real.getXYSeriesRenderStyle());
        assertArrayEquals(new double[] {100, 80, 400 / 6.0, 400 / 7.0}, real.getXData(), EPS);
        assertArrayEquals(new double[] {0.4, 0.5, 0.6, 0.7}, real.getYData(), EPS);
        assertTrue(chart.getSeriesMap().containsKey("virtual time (4 agents)"));
        XYSeries tier60 = chart.getSeriesMap().get("60 tok/s, TTFT \u2264 3 s");
        assertArrayEquals(new double[] {60, 60}, new double[] {tier60.getXData()[0], tier60.getXData()[1]}, EPS);
        assertEquals(3, tier60.getYData()[1], EPS);
        assertEquals(3, tier60.getYData()[2], EPS);
        assertFalse(chart.getTitle().contains("off the chart"));
    }

    @Test
    void anAgentThatFailedCountsAsTheTiersCountItAndLeavesTheChart() {
        KnownSystem known = new KnownSystem(800, false);
        List<RequestRecord> records = new ArrayList<>();
        for (RequestRecord r : known.records(4)) {
            records.add(r.agent() == 0 && r.turn() == 1 ? RequestRecord.builder().trial(0, 0).turn(r.sessionId(), 1,
                    r.salt()).sendTime(r.sendTime()).endTime(r.sendTime() + 30).failed("timeout", "test").build() : r);
        }
        TrialMetrics failing = known.metrics(4, records);
        Figure<XYChart> f = Analysis.trialComparison(Map.of("one timed out", failing), TIERS);
        assertEquals(3, f.chart().getSeriesMap().get("one timed out (3 agents)").getXData().length);
        assertEquals("Each agent's speed and TTFT (off the chart: 1 with a failed request)", f.chart().getTitle());
        // Speeds 0 (failed), 800/7, 800/6, 160: p10 at rank 0.3 is 0.3 x 800/7.
        assertEquals(0.3 * 800 / 7, f.table().doubleColumn("agent_output_tps_p10").getDouble(0), EPS);
        assertArrayEquals(new int[] {1, 1}, f.table().intColumn("failed_requests").asIntArray());
        assertArrayEquals(new int[] {1, 1}, f.table().intColumn("agents_failed_or_held").asIntArray());
        // TTFTs 0.5, 0.6, 0.7 and infinite: the p90 at rank 2.7 lies between 0.7 and infinity, so it is infinite.
        assertEquals(Double.POSITIVE_INFINITY, f.table().doubleColumn("agent_ttft_p90_s").getDouble(0));
        assertEquals("\u221e", f.table().getString(0, "agent_ttft_p90_s"));
        assertEquals(List.of(false, false), f.table().booleanColumn("passed").asList());
    }

    @Test
    void anAgentHeldThroughTheWindowByOneRequestIsJudgedAndNamedInTheTitle() {
        KnownSystem known = new KnownSystem(800, false);
        List<RequestRecord> records = new ArrayList<>(known.records(4).stream().filter(r -> r.agent() != 3).toList());
        double send = 10 - 1, end = 70 + 1; // trial 0's window is 10-70 s
        records.add(RequestRecord.builder().trial(0, 3).turn("s3", 0, 3).phase(RequestRecord.Phase.WARM_UP)
                .sendTime(send).firstByteTime(send + 0.5).tokenTimes(send + 0.5, end).endTime(end)
                .tokens(20_000, 18_000, 5_000).build());
        TrialMetrics held = known.metrics(4, records);
        Figure<XYChart> f = Analysis.trialComparison(Map.of("long answer", held), TIERS);
        assertEquals("Each agent's speed and TTFT (off the chart: 1 held through the window)",
                f.chart().getTitle());
        assertEquals(3, f.chart().getSeriesMap().get("long answer (3 agents)").getXData().length);
        assertArrayEquals(new int[] {4, 4}, f.table().intColumn("agents_judged").asIntArray());
        assertArrayEquals(new int[] {3, 3}, f.table().intColumn("agents_passing").asIntArray());
    }

    @Test
    void nothingToCompareIsAnError() {
        assertThrows(AnalysisException.class, () -> Analysis.trialComparison(Map.of(), TIERS));
        assertThrows(AnalysisException.class, () -> Analysis.trialComparison(realAndVirtual(), List.of()));
    }
}
