package io.agentload.analysis;

import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.TrajectoryException;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trajectory analyses on ten hand-made turns ({@code analysis/ten-turns.csv}): sessions A and B (python, a
 * 2,000-token shared prefix; A compacts at turn 3) and C (go, no shared prefix, a zero-token output). Expected
 * figures are worked out by hand in the comments.
 */
class TrajectoryAnalysisTest {

    private static final double EPS = 1e-9;

    static Table tenTurns() {
        try {
            Path file = Path.of(Objects.requireNonNull(TrajectoryAnalysisTest.class
                    .getResource("/analysis/ten-turns.csv")).toURI());
            return Trajectories.read(file);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void inputLengthsCountTurnsInLogBinsWithExactIntegerEdges() {
        Figure<XYChart> f = Analysis.inputLengths(tenTurns());
        Table t = f.table();
        assertEquals(List.of("from_tokens", "to_tokens", "turns", "share"), t.columnNames());
        // Inputs 1,000 ... 140,000 span bins k = 30 (10^3.0) to k = 51 (10^5.1): 22 bins, empty ones included.
        assertEquals(22, t.rowCount());
        assertEquals(10, t.longColumn("turns").sum(), EPS);
        assertBin(t, 0, 1000, 1259, 1);        // 1,000
        assertBin(t, 6, 3982, 5012, 1);        // 4,000; 10^3.6 = 3,981.07 rounds up to 3,982
        assertBin(t, 7, 5012, 6310, 1);        // 6,000
        assertBin(t, 9, 7944, 10000, 1);       // 8,000
        assertBin(t, 10, 10000, 12590, 1);     // 12,000
        assertBin(t, 13, 19953, 25119, 1);     // 20,000
        assertBin(t, 14, 25119, 31623, 1);     // 30,000
        assertBin(t, 20, 100000, 125893, 1);   // 100,000
        assertBin(t, 21, 125893, 158490, 2);   // 131,072 and 140,000
        assertEquals(0, t.longColumn("turns").getLong(1));
        assertEquals(0.2, t.doubleColumn("share").getDouble(21), EPS);

        XYChart c = f.chart();
        assertEquals(List.of("turns", "published min ~5K", "published max ~131K", "published mean ~27K",
                "mean 45.2K"), Charts.seriesNames(c));
        assertTrue(c.getStyler().isXAxisLogarithmic());
        // Mean input: 452,072 / 10.
        assertEquals(45_207.2, Charts.xy(c, "mean 45.2K")[0][0], EPS);
        assertEquals(27_000, Charts.xy(c, "published mean ~27K")[0][0], 0);
        // The outline steps over each bin at its share in percent.
        double[][] outline = Charts.xy(c, "turns");
        assertEquals(2 * 22, outline[0].length);
        assertEquals(125_893, outline[0][42], 0);
        assertEquals(158_490, outline[0][43], 0);
        assertEquals(20, outline[1][43], EPS);
        assertTrue(c.getTitle().contains("10 turns"), c.getTitle());
        Charts.rendered(f);
    }

    @Test
    void binsPerDecadeIsAnOption() {
        Table t = Analysis.inputLengths(tenTurns(), 1).table();
        // Decades: [1,000, 10,000) holds 1,000 4,000 6,000 8,000; [10,000, 100,000) 12,000 20,000 30,000; the rest above.
        assertArrayEquals(new long[] {1000, 10000, 100000}, t.longColumn("from_tokens").asLongArray());
        assertArrayEquals(new long[] {4, 3, 3}, t.longColumn("turns").asLongArray());
        assertThrows(IllegalArgumentException.class, () -> Analysis.inputLengths(tenTurns(), 0));
    }

    @Test
    void outputLengthsMarkMedianAndP95AndKeepZerosInTheirOwnBin() {
        Figure<XYChart> f = Analysis.outputLengths(tenTurns());
        Table t = f.table();
        // Outputs sorted: 0 5 10 50 80 100 150 200 1,500 3,000.
        assertBin(t, 0, 0, 1, 1);
        assertBin(t, 1, 4, 6, 1);              // 5: 10^0.6 = 3.98 and 10^0.7 = 5.01 round up to 4 and 6
        assertEquals(10, t.longColumn("turns").sum(), EPS);
        XYChart c = f.chart();
        List<String> names = Charts.seriesNames(c);
        assertEquals(List.of("turns", "published median ~150", "published p95 ~2K", "median 90"), names.subList(0, 4));
        // Median: rank 4.5 between 80 and 100; p95: rank 8.55, 1,500 + 0.55 x 1,500.
        assertEquals(90, Charts.xy(c, "median 90")[0][0], EPS);
        String p95 = names.get(4);
        assertTrue(p95.startsWith("p95 2.3"), p95);
        assertEquals(2_325, Charts.xy(c, p95)[0][0], EPS);
        assertTrue(c.getTitle().contains("10.0% at 0"), c.getTitle());
        Charts.rendered(f);
    }

    @Test
    void toolTimesInMillisecondsWithMedianMeanAndP95() {
        Figure<XYChart> f = Analysis.toolTimes(tenTurns());
        assertEquals(List.of("from_ms", "to_ms", "turns", "share"), f.table().columnNames());
        assertBin(f.table(), 0, 0, 1, 4);
        // Sorted: 0 0 0 0 100 300 500 1,000 2,000 4,000: median 200, mean 790, p95 2,000 + 0.55 x 2,000.
        assertEquals(List.of("turns", "median 200 ms", "mean 790 ms", "p95 3.1 s"), Charts.seriesNames(f.chart()));
        assertEquals(3_100, Charts.xy(f.chart(), "p95 3.1 s")[0][0], EPS);
        assertTrue(f.chart().getTitle().contains("40.0% at 0"), f.chart().getTitle());
        Charts.rendered(f);
    }

    @Test
    void languagesBreakDownSessionsTurnsMeansAndReuse() {
        Figure<CategoryChart> f = Analysis.languages(tenTurns());
        Table t = f.table();
        assertEquals(List.of("language", "sessions", "turns", "session_share", "mean_turns_per_session",
                "mean_input_tokens", "mean_output_tokens", "reused_share"), t.columnNames());
        assertEquals(List.of("python", "go"), t.stringColumn("language").asList());
        assertArrayEquals(new int[] {2, 1}, t.intColumn("sessions").asIntArray());
        assertArrayEquals(new int[] {6, 4}, t.intColumn("turns").asIntArray());
        assertEquals(2 / 3.0, t.doubleColumn("session_share").getDouble(0), EPS);
        assertEquals(3, t.doubleColumn("mean_turns_per_session").getDouble(0), EPS);
        // python: inputs 80,000, outputs 2,010, reused 4,100 + 8,200 + 12,150 over 6 turns.
        assertEquals(80_000 / 6.0, t.doubleColumn("mean_input_tokens").getDouble(0), EPS);
        assertEquals(335, t.doubleColumn("mean_output_tokens").getDouble(0), EPS);
        assertEquals(24_450 / 80_000.0, t.doubleColumn("reused_share").getDouble(0), EPS);
        // go: inputs 372,072, outputs 3,085, reused 1,000 + 103,000 + 131,152 over 4 turns.
        assertEquals(93_018, t.doubleColumn("mean_input_tokens").getDouble(1), EPS);
        assertEquals(771.25, t.doubleColumn("mean_output_tokens").getDouble(1), EPS);
        assertEquals(235_152 / 372_072.0, t.doubleColumn("reused_share").getDouble(1), EPS);
        assertEquals(List.of("% of sessions", "mean input tokens"), Charts.seriesNames(f.chart()));
        assertArrayEquals(new double[] {200 / 3.0, 100 / 3.0}, f.chart().getSeriesMap().get("% of sessions").getYData()
                .stream().mapToDouble(Number::doubleValue).toArray(), EPS);
        Charts.rendered(f);
    }

    @Test
    void contextGrowthGivesPercentilesByTurnAndCountsCompactions() {
        Figure<XYChart> f = Analysis.contextGrowth(tenTurns());
        Table t = f.table();
        assertArrayEquals(new int[] {0, 1, 2, 3}, t.intColumn("turn").asIntArray());
        assertArrayEquals(new int[] {3, 3, 2, 2}, t.intColumn("sessions").asIntArray());
        // Turn 0: 1,000 4,000 12,000. Turn 1: 8,000 20,000 100,000. Turn 2: 30,000 131,072. Turn 3: 6,000 140,000.
        assertArrayEquals(new double[] {17_000 / 3.0, 128_000 / 3.0, 80_536, 73_000},
                t.doubleColumn("mean_input_tokens").asDoubleArray(), EPS);
        assertArrayEquals(new double[] {1_600, 10_400, 40_107.2, 19_400},
                t.doubleColumn("p10_input_tokens").asDoubleArray(), EPS);
        assertArrayEquals(new double[] {4_000, 20_000, 80_536, 73_000},
                t.doubleColumn("p50_input_tokens").asDoubleArray(), EPS);
        assertArrayEquals(new double[] {10_400, 84_000, 120_964.8, 126_600},
                t.doubleColumn("p90_input_tokens").asDoubleArray(), EPS);
        // A's context shrinks from 30,000 to 6,000 at turn 3.
        assertArrayEquals(new int[] {0, 0, 0, 1}, t.intColumn("compactions").asIntArray());

        XYChart c = f.chart();
        assertEquals(List.of("p90", "p50", "p10", "mean", "published max ~131K", "compactions (right axis)"),
                Charts.seriesNames(c));
        double[][] compactions = Charts.xy(c, "compactions (right axis)");
        assertArrayEquals(new double[] {3}, compactions[0], 0);
        assertArrayEquals(new double[] {50}, compactions[1], EPS);
        Charts.rendered(f);
    }

    @Test
    void reusedShareByTurnAndOverall() {
        Figure<XYChart> f = Analysis.reusedShare(tenTurns());
        Table t = f.table();
        assertArrayEquals(new long[] {17_000, 128_000, 161_072, 146_000}, t.longColumn("input_tokens").asLongArray());
        assertArrayEquals(new long[] {0, 17_250, 111_200, 131_152}, t.longColumn("reused_tokens").asLongArray());
        assertArrayEquals(new long[] {4_000, 4_000, 2_000, 2_000}, t.longColumn("shared_prefix_tokens").asLongArray());
        assertArrayEquals(new double[] {0, 17_250 / 128_000.0, 111_200 / 161_072.0, 131_152 / 146_000.0},
                t.doubleColumn("reused_share").asDoubleArray(), EPS);
        assertEquals(4_000 / 17_000.0, t.doubleColumn("shared_prefix_share").getDouble(0), EPS);
        // Overall: 259,602 reused of 452,072 input tokens = 57.4%.
        XYChart c = f.chart();
        assertEquals(List.of("reused", "shared prefix", "overall reused 57.4%"), Charts.seriesNames(c));
        assertEquals(100 * 259_602 / 452_072.0, Charts.xy(c, "overall reused 57.4%")[1][0], EPS);
        Charts.rendered(f);
    }

    @Test
    void emptyAndMalformedTablesSayWhatIsWrong() {
        Table empty = tenTurns().emptyCopy();
        AnalysisException e = assertThrows(AnalysisException.class, () -> Analysis.inputLengths(empty));
        assertEquals("no turns to draw the input lengths of", e.getMessage());
        assertThrows(AnalysisException.class, () -> Analysis.contextGrowth(empty));
        assertThrows(AnalysisException.class, () -> Analysis.languages(empty));

        Table noOutput = tenTurns().removeColumns(Trajectories.OUTPUT_TOKENS);
        TrajectoryException missing = assertThrows(TrajectoryException.class, () -> Analysis.outputLengths(noOutput));
        assertTrue(missing.getMessage().contains("missing column output_tokens"), missing.getMessage());

        Table gap = tenTurns().dropRows(1);
        TrajectoryException broken = assertThrows(TrajectoryException.class, () -> Analysis.contextGrowth(gap));
        assertTrue(broken.getMessage().contains("session A"), broken.getMessage());
    }

    @Test
    void theChatWorkloadIsSingleTurnsWithoutReuse() {
        Table chat = Analysis.chatWorkload(12);
        assertEquals("chat 1.02K in, 1.02K out", chat.name());
        assertEquals(12, chat.rowCount());
        assertEquals(12, chat.stringColumn(Trajectories.SESSION_ID).unique().size());
        assertEquals("chat-00", chat.stringColumn(Trajectories.SESSION_ID).get(0));
        assertEquals(12 * 1024, chat.intColumn(Trajectories.INPUT_TOKENS).sum(), 0);
        assertEquals(12 * 1024, chat.intColumn(Trajectories.OUTPUT_TOKENS).sum(), 0);
        assertEquals(0, chat.intColumn(Trajectories.REUSED_TOKENS).sum(), 0);
        assertEquals(0, chat.intColumn(Trajectories.SHARED_PREFIX_TOKENS).sum(), 0);
        assertEquals(0, chat.longColumn(Trajectories.TOOL_TIME_MS).sum(), 0);
        assertEquals(0, chat.intColumn(Trajectories.TURN).max(), 0);
        assertFalse(chat.containsColumn(Trajectories.HASH_IDS));

        Table small = Analysis.chatWorkload(3, 500, 20);
        assertEquals(List.of("chat-0", "chat-1", "chat-2"), small.stringColumn(Trajectories.SESSION_ID).asList());
        assertEquals(500, Analysis.reusedShare(small).table().longColumn("input_tokens").getLong(0) / 3);
        Figure<XYChart> noToolTime = Analysis.toolTimes(small);
        assertEquals(List.of(), Charts.seriesNames(noToolTime.chart()), "every value is off the log axis");
        assertTrue(noToolTime.chart().getTitle().contains("100.0% at 0"), noToolTime.chart().getTitle());
        Charts.rendered(noToolTime);
        assertThrows(IllegalArgumentException.class, () -> Analysis.chatWorkload(0));
        assertThrows(IllegalArgumentException.class, () -> Analysis.chatWorkload(1, 0, 10));
    }

    private static void assertBin(Table t, int row, long from, long to, long turns) {
        String where = "row " + row + " of\n" + t.print();
        assertEquals(from, t.longColumn(0).getLong(row), where);
        assertEquals(to, t.longColumn(1).getLong(row), where);
        assertEquals(turns, t.longColumn("turns").getLong(row), where);
    }
}
