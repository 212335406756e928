package io.agentload.analysis;

import io.agentload.replay.RequestRecord;
import io.agentload.replay.KnownSystem;
import io.agentload.replay.Run;
import io.agentload.replay.SloResult;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run analyses on a run folder written by a real search over {@link KnownSystem} (capacity 400: agent a of N
 * gets 400 / (N + a) tok/s and TTFT 0.1 (N + a) s) on 2 GPUs, tiers 20 and 60 tok/s. An agent meets 60 tok/s while
 * N + a &le; 6 and 20 tok/s while N + a &le; 20, so 90% of agents do up to N = 3 and N = 11: the search ramps 1, 2,
 * 4, 8, 16, then bisects 12 (fail), 10, 11 (pass) for 20 tok/s and 3 (pass) for 60 tok/s.
 */
class RunAnalysisTest {

    private static final double EPS = 1e-9;
    private static final List<SloTier> TIERS = SloTier.parse("20,60");

    @TempDir
    static Path tmp;

    private static SloResult agentic;

    @BeforeAll
    static void search() {
        Path dir = tmp.resolve("run");
        try (Run run = Run.builder(dir).build()) {
            new KnownSystem(400, true).search(TIERS, 2, run);
        }
        agentic = Analysis.sloResult(Run.open(dir));
    }

    @Test
    void theRunFolderHoldsTheSearchWeExpect() {
        assertEquals(List.of(1, 2, 4, 8, 16, 12, 10, 11, 3),
                agentic.trials().stream().map(m -> m.agents()).toList());
        assertEquals(11, agentic.tiers().get(0).maxAgents());
        assertEquals(3, agentic.tiers().get(1).maxAgents());
    }

    @Test
    void outputSpeedCurveGivesPerAgentPercentilesByConcurrency() {
        Figure<XYChart> f = Analysis.outputSpeedCurve(agentic);
        Table t = f.table();
        assertEquals(List.of("agents", "trial", "agents_judged", "agents_failed_or_held", "cut_at_verdict",
                "agent_output_tps_p10", "agent_output_tps_p50", "agent_output_tps_p90"), t.columnNames());
        assertArrayEquals(new int[] {1, 2, 3, 4, 8, 10, 11, 12, 16}, t.intColumn("agents").asIntArray());
        assertArrayEquals(new int[] {0, 1, 8, 2, 3, 6, 7, 5, 4}, t.intColumn("trial").asIntArray());
        assertArrayEquals(new int[] {1, 2, 3, 4, 8, 10, 11, 12, 16}, t.intColumn("agents_judged").asIntArray());
        // N = 4: speeds 400/7, 400/6, 80, 100. p10 at rank 0.3: 400/7 + 0.3 (400/6 - 400/7) = 60;
        // p50 at rank 1.5: (400/6 + 80) / 2; p90 at rank 2.7: 80 + 0.7 x 20 = 94.
        assertEquals(60, t.doubleColumn("agent_output_tps_p10").getDouble(3), EPS);
        assertEquals((400 / 6.0 + 80) / 2, t.doubleColumn("agent_output_tps_p50").getDouble(3), EPS);
        assertEquals(94, t.doubleColumn("agent_output_tps_p90").getDouble(3), EPS);
        // N = 1: one agent at 400 tok/s.
        assertEquals(400, t.doubleColumn("agent_output_tps_p10").getDouble(0), EPS);
        // The p10 is the speed a 90% tier judges: the slo package's own figure.
        for (int row = 0; row < t.rowCount(); row++) {
            int trial = t.intColumn("trial").getInt(row);
            double judged = agentic.trials().stream().filter(m -> m.trial() == trial).findFirst().orElseThrow()
                    .check(TIERS.get(0)).agentOutputTokensPerSecond();
            assertEquals(judged, t.doubleColumn("agent_output_tps_p10").getDouble(row), EPS);
        }

        XYChart c = f.chart();
        assertEquals(List.of("p10 of agents", "p50 of agents", "p90 of agents", "20 tok/s, TTFT \u2264 6 s: max 11",
                "60 tok/s, TTFT \u2264 3 s: max 3", "max agents per tier"), Charts.seriesNames(c));
        assertTrue(c.getStyler().isXAxisLogarithmic(), "1 to 16 agents span more than a decade");
        double[][] max = Charts.xy(c, "max agents per tier");
        assertArrayEquals(new double[] {11, 3}, max[0], 0);
        assertArrayEquals(new double[] {20, 60}, max[1], 0);
        double[][] tier = Charts.xy(c, "60 tok/s, TTFT \u2264 3 s: max 3");
        assertArrayEquals(new double[] {1, 16}, tier[0], 0);
        assertArrayEquals(new double[] {60, 60}, tier[1], 0);
        Charts.rendered(f);
    }

    @Test
    void ttftCurveGivesPerAgentAndRequestPercentiles() {
        Figure<XYChart> f = Analysis.ttftCurve(agentic);
        Table t = f.table();
        assertEquals(List.of("agents", "trial", "agents_judged", "agents_failed_or_held", "cut_at_verdict",
                "agent_ttft_p50_s", "agent_ttft_p90_s", "agent_ttft_p99_s", "request_ttft_p50_s", "request_ttft_p90_s",
                "request_ttft_p99_s"), t.columnNames());
        // N = 4: agent TTFTs 0.4 0.5 0.6 0.7; p50 0.55, p90 0.6 + 0.7 x 0.1, p99 0.6 + 0.97 x 0.1.
        assertEquals(0.55, t.doubleColumn("agent_ttft_p50_s").getDouble(3), EPS);
        assertEquals(0.67, t.doubleColumn("agent_ttft_p90_s").getDouble(3), EPS);
        assertEquals(0.697, t.doubleColumn("agent_ttft_p99_s").getDouble(3), EPS);
        // Requests: each TTFT twice, 0.4 0.4 0.5 0.5 0.6 0.6 0.7 0.7; p50 at rank 3.5, p90 at rank 6.3.
        assertEquals(0.55, t.doubleColumn("request_ttft_p50_s").getDouble(3), EPS);
        assertEquals(0.7, t.doubleColumn("request_ttft_p90_s").getDouble(3), EPS);
        // N = 16: agent TTFTs 1.6 ... 3.1; p90 at rank 13.5: 2.95.
        assertEquals(2.95, t.doubleColumn("agent_ttft_p90_s").getDouble(8), EPS);

        XYChart c = f.chart();
        assertEquals(List.of("p50 of agents", "p90 of agents", "p99 of agents", "20 tok/s, TTFT \u2264 6 s: max 11",
                "60 tok/s, TTFT \u2264 3 s: max 3", "max agents per tier"), Charts.seriesNames(c));
        assertArrayEquals(new double[] {6, 3}, Charts.xy(c, "max agents per tier")[1], 0);
        assertTrue(c.getStyler().isYAxisLogarithmic(), "0.1 s to 6 s span more than a decade");
        Charts.rendered(f);
    }

    @Test
    void throughputPerTrialInTotalAndPerGpu() {
        Figure<XYChart> f = Analysis.throughput(agentic);
        Table t = f.table();
        // N = 4: 8 requests of 101 tokens in a 60 s window; 2 GPUs.
        assertEquals(8 * 101 / 60.0, t.doubleColumn("output_tps").getDouble(3), EPS);
        assertEquals(8 / 60.0, t.doubleColumn("requests_per_s").getDouble(3), EPS);
        assertEquals(4 * 101 / 60.0, t.doubleColumn("output_tps_per_gpu").getDouble(3), EPS);
        assertEquals(4 / 60.0, t.doubleColumn("requests_per_s_per_gpu").getDouble(3), EPS);
        assertEquals(0.9, t.doubleColumn("cached_token_ratio").getDouble(3), EPS);
        assertEquals(List.of("output tok/s per GPU", "requests/s per GPU (right axis)"), Charts.seriesNames(f.chart()));
        assertEquals("Throughput per GPU against concurrency (2 GPUs)", f.chart().getTitle());
        Charts.rendered(f);
    }

    @Test
    void powerPerTrialWithEnergyPerTokenAndAgentsPerMegawatt() {
        Figure<XYChart> f = Analysis.power(agentic);
        Table t = f.table();
        // N = 4 draws 1,040 W.
        assertEquals(1040, t.doubleColumn("mean_power_w").getDouble(3), 0);
        assertEquals("node, modelled", t.stringColumn("power_boundary").get(3));
        assertEquals(8 * 101 / 60.0 / 1040, t.doubleColumn("output_tokens_per_joule").getDouble(3), EPS);
        assertEquals(4 / 0.00104, t.doubleColumn("agents_per_mw").getDouble(3), 1e-6);
        assertEquals("Power against concurrency: node, modelled", f.chart().getTitle());
        Charts.rendered(f);
    }

    @Test
    void powerNeedsTrialsThatCarryIt() {
        SloResult unpowered = new KnownSystem(400, false).search(TIERS, 1);
        AnalysisException e = assertThrows(AnalysisException.class, () -> Analysis.power(unpowered));
        assertEquals("no trial of the SLO result carries a power reading", e.getMessage());
        assertThrows(AnalysisException.class, () -> Analysis.agentsPerMegawatt(Map.of("h", unpowered)));
    }

    @Test
    void agentsPerMegawattGroupsSystemsByTier() {
        SloResult bigger = new KnownSystem(1200, true).search(TIERS, 4);
        Map<String, SloResult> systems = new LinkedHashMap<>();
        systems.put("small", agentic);
        systems.put("big", bigger);
        Figure<CategoryChart> f = Analysis.agentsPerMegawatt(systems);
        Table t = f.table();
        assertEquals(List.of("small", "small", "big", "big"), t.stringColumn("system").asList());
        assertEquals(List.of("20 tok/s, TTFT \u2264 6 s", "60 tok/s, TTFT \u2264 3 s", "20 tok/s, TTFT \u2264 6 s",
                "60 tok/s, TTFT \u2264 3 s"), t.stringColumn("tier").asList());
        // big: 90% of agents reach 20 tok/s while N <= 32 (N + a <= 60), 60 tok/s while N <= 11 (N + a <= 20).
        assertArrayEquals(new int[] {11, 3, 32, 11}, t.intColumn("max_agents").asIntArray());
        assertArrayEquals(new double[] {11 / 0.00111, 3 / 0.00103, 32 / 0.00132, 11 / 0.00111},
                t.doubleColumn("agents_per_mw").asDoubleArray(), 1e-6);
        assertArrayEquals(new double[] {5.5, 1.5, 8, 2.75}, t.doubleColumn("agents_per_gpu").asDoubleArray(), EPS);
        CategoryChart c = f.chart();
        assertEquals(List.of("small: node, modelled", "big: node, modelled"), Charts.seriesNames(c));
        assertEquals(List.of("20 tok/s, 6 s", "60 tok/s, 3 s"), c.getSeriesMap().get("big: node, modelled").getXData());
        Charts.rendered(f);
    }

    @Test
    void maxAgentsGroupsWorkloadsByTier() {
        Map<String, SloResult> workloads = new LinkedHashMap<>();
        workloads.put("small", agentic);
        workloads.put("big", new KnownSystem(1200, true).search(TIERS, 4));
        Figure<CategoryChart> f = Analysis.maxAgents(workloads);
        Table t = f.table();
        assertEquals(List.of("small", "small", "big", "big"), t.stringColumn("workload").asList());
        assertArrayEquals(new int[] {11, 3, 32, 11}, t.intColumn("max_agents").asIntArray());
        CategoryChart c = f.chart();
        assertEquals(List.of("small", "big"), Charts.seriesNames(c));
        assertEquals(List.of("20 tok/s, 6 s", "60 tok/s, 3 s"), c.getSeriesMap().get("big").getXData());
        assertEquals(List.of(32.0, 11.0), c.getSeriesMap().get("big").getYData());
        Charts.rendered(f);
    }

    @Test
    void agenticVsChatComparesCapacityAndThroughputPerGpuByTier() {
        SloResult chat = new KnownSystem(1200, true).search(TIERS, 2);
        Figure<XYChart> f = Analysis.agenticVsChat(agentic, chat);
        Table t = f.table();
        assertEquals(List.of("agentic", "agentic", "chat", "chat"), t.stringColumn("workload").asList());
        assertArrayEquals(new int[] {11, 3, 32, 11}, t.intColumn("max_agents").asIntArray());
        assertArrayEquals(new double[] {5.5, 1.5, 16, 5.5}, t.doubleColumn("agents_per_gpu").asDoubleArray(), EPS);
        // At max agents every agent sends two 101-token requests in 60 s.
        assertArrayEquals(new double[] {11 * 101 / 60.0, 3 * 101 / 60.0, 32 * 101 / 60.0, 11 * 101 / 60.0},
                t.doubleColumn("output_tps_per_gpu").asDoubleArray(), EPS);
        XYChart c = f.chart();
        assertEquals(List.of("agentic: agents per GPU", "agentic: output tok/s per GPU", "chat: agents per GPU",
                "chat: output tok/s per GPU"), Charts.seriesNames(c));
        assertArrayEquals(new double[] {20, 60}, Charts.xy(c, "chat: agents per GPU")[0], 0);
        assertArrayEquals(new double[] {16, 5.5}, Charts.xy(c, "chat: agents per GPU")[1], EPS);
        Charts.rendered(f);

        Figure<XYChart> labelled = Analysis.agenticVsChat("coding agents", agentic, "chat 1K/1K", chat);
        assertEquals("coding agents: agents per GPU", Charts.seriesNames(labelled.chart()).get(0));
        assertThrows(AnalysisException.class, () -> Analysis.agenticVsChat("same", agentic, "same", chat));
    }

    @Test
    void aResultWithoutTrialsIsAnError() {
        SloResult empty = new SloResult(List.of(), List.of(), 1);
        assertThrows(AnalysisException.class, () -> Analysis.outputSpeedCurve(empty));
        assertThrows(AnalysisException.class, () -> Analysis.throughput(empty));
        assertThrows(AnalysisException.class, () -> Analysis.agentsPerMegawatt(Map.of()));
    }

    @Test
    void agentsThatFailedCountAsUnservedAndInfiniteFiguresStayInfiniteAndAreDrawnAtTheTop() {
        // Agents 0-2 get 100, 50 and 25 tok/s at TTFT 1 s; agent 3's request timed out.
        List<RequestRecord> records = new ArrayList<>();
        for (int a = 0; a < 4; a++) {
            RequestRecord.Builder r = RequestRecord.builder().trial(0, a).turn("s" + a, 0, a).sendTime(10)
                    .firstByteTime(11).tokens(1000, -1, 101);
            if (a < 3) r.tokenTimes(11, 11 + (1 << a)).endTime(11 + (1 << a));
            else r.endTime(40).failed("timeout", "no token in 30 s");
            records.add(r.build());
        }
        SloResult result = new SloResult(List.of(), List.of(KnownSystem.metrics(4, 0, 5, 65, 65, records)), 1);

        Table speed = Analysis.outputSpeedCurve(result).table();
        // Speeds 0 (failed), 25, 50, 100: p10 at rank 0.3 is 7.5; p50 37.5; p90 at rank 2.7 is 85.
        assertEquals(7.5, speed.doubleColumn("agent_output_tps_p10").getDouble(0), EPS);
        assertEquals(37.5, speed.doubleColumn("agent_output_tps_p50").getDouble(0), EPS);
        assertEquals(85, speed.doubleColumn("agent_output_tps_p90").getDouble(0), EPS);

        assertEquals(1, speed.intColumn("agents_failed_or_held").getInt(0));

        Figure<XYChart> ttft = Analysis.ttftCurve(result);
        // TTFTs 1, 1, 1 and infinite for the failed agent: the p90 and p99 are infinite, kept so in the table and
        // drawn at the top of the chart (1.1 x the largest on-scale value, 1 s, on a linear axis) under a triangle.
        assertEquals(1, ttft.table().doubleColumn("agent_ttft_p50_s").getDouble(0), 0);
        assertEquals(Double.POSITIVE_INFINITY, ttft.table().doubleColumn("agent_ttft_p90_s").getDouble(0));
        assertEquals(Double.POSITIVE_INFINITY, ttft.table().doubleColumn("agent_ttft_p99_s").getDouble(0));
        assertEquals(List.of("p50 of agents", "p90 of agents", "p99 of agents", "infinite: agents failed or held"),
                Charts.seriesNames(ttft.chart()));
        assertArrayEquals(new double[] {1.1}, Charts.xy(ttft.chart(), "p99 of agents")[1], 1e-12);
        assertArrayEquals(new double[] {4}, Charts.xy(ttft.chart(), "infinite: agents failed or held")[0], 0);
        assertEquals(1.1, ttft.chart().getStyler().getYAxisMax(), 1e-12);
        assertEquals("Per-agent TTFT against concurrency (off the scale: 1 trial)", ttft.chart().getTitle());
        Charts.rendered(ttft);
    }
}
