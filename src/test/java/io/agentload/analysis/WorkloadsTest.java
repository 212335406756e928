package io.agentload.analysis;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workloads side by side: the ten hand-made turns of {@code analysis/ten-turns.csv} (see
 * {@link TrajectoryAnalysisTest}) next to a fixed-length chat workload, with every figure worked out by hand.
 */
class WorkloadsTest {

    private static final double EPS = 1e-9;

    @Test
    void oneRowPerWorkloadInTheMapsOrder() {
        Map<String, Table> w = new LinkedHashMap<>();
        w.put("ten turns", TrajectoryAnalysisTest.tenTurns());
        w.put("chat", Analysis.chatWorkload(4, 1000, 200));
        Figure<XYChart> f = Analysis.workloads(w);
        Table t = f.table();
        assertEquals(List.of("workload", "sessions", "turns", "turns_per_session_p50", "turns_per_session_max",
                "input_tokens_mean", "input_tokens_p50", "input_tokens_p90", "input_tokens_max", "output_tokens_p50",
                "output_tokens_p95", "input_per_output_token", "reused_share", "tool_time_p50_ms", "tool_time_p99_ms",
                "subagent_sessions", "compactions"), t.columnNames());
        assertEquals(List.of("ten turns", "chat"), t.stringColumn("workload").asList());

        // Ten turns: sessions of 4, 2 and 4 turns.
        assertEquals(3, t.intColumn("sessions").getInt(0));
        assertEquals(10, t.intColumn("turns").getInt(0));
        assertEquals(4, t.doubleColumn("turns_per_session_p50").getDouble(0), EPS);
        assertEquals(4, t.doubleColumn("turns_per_session_max").getDouble(0), EPS);
        // Inputs sorted: 1,000 4,000 6,000 8,000 12,000 20,000 30,000 100,000 131,072 140,000 (sum 452,072).
        assertEquals(45_207.2, t.doubleColumn("input_tokens_mean").getDouble(0), EPS);
        assertEquals(16_000, t.doubleColumn("input_tokens_p50").getDouble(0), EPS);        // rank 4.5
        assertEquals(131_964.8, t.doubleColumn("input_tokens_p90").getDouble(0), EPS);     // rank 8.1
        assertEquals(140_000, t.doubleColumn("input_tokens_max").getDouble(0), EPS);
        // Outputs sorted: 0 5 10 50 80 100 150 200 1,500 3,000 (sum 5,095).
        assertEquals(90, t.doubleColumn("output_tokens_p50").getDouble(0), EPS);
        assertEquals(2_325, t.doubleColumn("output_tokens_p95").getDouble(0), EPS);        // rank 8.55
        assertEquals(452_072 / 5_095.0, t.doubleColumn("input_per_output_token").getDouble(0), EPS);
        assertEquals(259_602 / 452_072.0, t.doubleColumn("reused_share").getDouble(0), EPS);
        // Tool times sorted: 0 0 0 0 100 300 500 1,000 2,000 4,000.
        assertEquals(200, t.doubleColumn("tool_time_p50_ms").getDouble(0), EPS);
        assertEquals(3_820, t.doubleColumn("tool_time_p99_ms").getDouble(0), EPS);         // rank 8.91
        assertEquals(0, t.intColumn("subagent_sessions").getInt(0));

        // Chat: four single turns of 1,000 in and 200 out, nothing reused, no tool time.
        assertEquals(4, t.intColumn("sessions").getInt(1));
        assertEquals(1, t.doubleColumn("turns_per_session_max").getDouble(1), EPS);
        assertEquals(1_000, t.doubleColumn("input_tokens_p90").getDouble(1), EPS);
        assertEquals(5, t.doubleColumn("input_per_output_token").getDouble(1), EPS);
        assertEquals(0, t.doubleColumn("reused_share").getDouble(1), EPS);
        assertEquals(0, t.doubleColumn("tool_time_p50_ms").getDouble(1), EPS);
    }

    @Test
    void chartDrawsEachWorkloadCumulativelyWithThePublishedMarks() {
        Map<String, Table> w = new LinkedHashMap<>();
        w.put("ten turns", TrajectoryAnalysisTest.tenTurns());
        w.put("chat", Analysis.chatWorkload(4, 1000, 200));
        XYChart c = Analysis.workloads(w).chart();
        assertEquals(List.of("ten turns (mean 45.2K)", "chat (mean 1K)", "published ~5K to ~131K", "published max",
                "published mean ~27K"), Charts.seriesNames(c));
        assertTrue(c.getStyler().isXAxisLogarithmic());
        // The empirical distribution: 0% just at the smallest input, then each of the ten inputs at 10% more.
        double[][] line = Charts.xy(c, "ten turns (mean 45.2K)");
        assertArrayEquals(new double[] {1_000, 1_000, 4_000, 6_000, 8_000, 12_000, 20_000, 30_000, 100_000, 131_072,
                140_000}, line[0], 0);
        assertArrayEquals(new double[] {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, line[1], EPS);
        // Every chat turn has 1,000 input tokens: a step from 0 to 100% there.
        double[][] chat = Charts.xy(c, "chat (mean 1K)");
        assertArrayEquals(new double[] {1_000, 1_000}, chat[0], 0);
        assertArrayEquals(new double[] {0, 100}, chat[1], EPS);
        assertEquals(27_000, Charts.xy(c, "published mean ~27K")[0][0], 0);
        assertEquals(131_072, Charts.xy(c, "published max")[0][0], 0);
        Charts.rendered(new Figure<>(Table.create("t"), c));
    }

    @Test
    void nothingToCompareSaysSo() {
        AnalysisException none = assertThrows(AnalysisException.class, () -> Analysis.workloads(Map.of()));
        assertEquals("no workloads to compare", none.getMessage());
        Map<String, Table> empty = Map.of("empty", TrajectoryAnalysisTest.tenTurns().emptyCopy());
        AnalysisException e = assertThrows(AnalysisException.class, () -> Analysis.workloads(empty));
        assertEquals("workload 'empty' has no turns", e.getMessage());
    }
}
