package io.agentload.analysis;

import io.agentload.trajectory.Trajectories;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every trajectory analysis on real public traces ({@code shared/data/real}, skipped when absent): Artificial
 * Analysis' eight recorded coding-agent tasks (168 model calls) and Mooncake's one-hour conversation trace.
 */
@Tag("slow")
class RealTraceAnalysisTest {

    private static Path real(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared/data/real").resolve(relative);
            if (Files.exists(p)) return p;
        }
        return Assumptions.abort("shared/data/real/" + relative + " is not next to this checkout");
    }

    @Test
    void artificialAnalysisTraces() {
        Table turns = Trajectories.importAa(real("aa-agentperf-local/agentperf-default-v1"));
        assertEquals(168, turns.rowCount());
        everyAnalysisAccountsForEveryTurn(turns, 8);
    }

    @Test
    void mooncakeConversationTrace() {
        Table turns = Trajectories.importMooncake(real("mooncake/conversation_trace.jsonl"));
        everyAnalysisAccountsForEveryTurn(turns, Trajectories.sessions(turns).size());
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
