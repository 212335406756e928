package io.agentload.analysis;

import io.agentload.trajectory.Trajectories;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every trajectory analysis on the turn tables shipped in {@code data/}: the synthetic coding-agent sample, whose
 * marks must land on the published shape, and the public Artificial Analysis and Mooncake traces.
 */
class ShippedDataAnalysisTest {

    @Test
    void theSampleMatchesThePublishedShapeOnItsCharts() {
        Table all = Trajectories.read("data/coding-agent-sample.parquet");
        everyAnalysisAccountsForEveryTurn(all, 300 + 403);
        // The published shape is the top-level sessions'; subagent sessions are shorter (data/README.md).
        Table turns = all.where(all.stringColumn(Trajectories.PARENT_SESSION_ID).isEqualTo(""));
        assertEquals(8_278, turns.rowCount());
        // The generator's tolerances (WorkloadGeneratorTest): mean input 27K +-10%, output median 150 +-25%,
        // output p95 2K +-30%.
        XYChart inputs = Analysis.inputLengths(turns).chart();
        double mean = mark(inputs, "mean ");
        assertEquals(27_000, mean, 2_700, "mean input tokens");
        XYChart outputs = Analysis.outputLengths(turns).chart();
        assertEquals(150, mark(outputs, "median "), 37.5, "median output tokens");
        assertEquals(2_000, mark(outputs, "p95 "), 600, "p95 output tokens");
        Table languages = Analysis.languages(turns).table();
        assertTrue(languages.rowCount() >= 12, "12+ languages: " + languages.stringColumn("language").asList());
    }

    @Test
    void artificialAnalysisTraces() {
        Table turns = Trajectories.read("data/aa-agentperf-default-v1.parquet");
        assertEquals(168, turns.rowCount());
        everyAnalysisAccountsForEveryTurn(turns, 8);
    }

    @Test
    void mooncakeConversationTrace() {
        Table turns = Trajectories.read("data/mooncake-conversation.parquet");
        assertEquals(12_031, turns.rowCount());
        everyAnalysisAccountsForEveryTurn(turns, 8_218);
    }

    private static double mark(XYChart chart, String prefix) {
        String name = Charts.seriesNames(chart).stream().filter(s -> s.startsWith(prefix)).findFirst().orElseThrow();
        return Charts.xy(chart, name)[0][0];
    }

    private static void everyAnalysisAccountsForEveryTurn(Table turns, int sessions) {
        int n = turns.rowCount();
        for (Figure<?> f : List.of(Analysis.inputLengths(turns), Analysis.outputLengths(turns),
                Analysis.toolTimes(turns))) {
            assertEquals(n, f.table().longColumn("turns").sum(), 0, f.table().name());
            assertEquals(1, f.table().doubleColumn("share").sum(), 1e-9, f.table().name());
            Charts.rendered(f);
        }
        Figure<?> languages = Analysis.languages(turns);
        assertEquals(sessions, languages.table().intColumn("sessions").sum(), 0);
        assertEquals(n, languages.table().intColumn("turns").sum(), 0);
        Charts.rendered(languages);
        Figure<?> growth = Analysis.contextGrowth(turns);
        assertEquals(sessions, growth.table().intColumn("sessions").getInt(0));
        assertEquals(n, growth.table().intColumn("sessions").sum(), 0);
        Charts.rendered(growth);
        Figure<?> reuse = Analysis.reusedShare(turns);
        assertEquals(turns.intColumn(Trajectories.REUSED_TOKENS).sum(), reuse.table().longColumn("reused_tokens").sum(),
                0);
        Charts.rendered(reuse);
    }
}
