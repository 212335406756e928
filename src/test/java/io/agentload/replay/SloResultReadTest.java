package io.agentload.replay;

import io.agentload.analysis.Analysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SloResultReadTest {

    @TempDir
    Path tmp;

    private SloResult recordedSearch(Path dir) {
        try (Run run = Run.builder(dir).config(new RunManifest.Fields(Map.of("tiers", "20,60"))).build()) {
            return SloSearch.over(CapacityRunner.standard()).withTiers(SloTier.parse("20,60")).withGpus(8).run(run);
        }
    }

    @Test
    void aRunFolderReadsBackAsTheResultTheSearchReturned() {
        Path dir = tmp.resolve("run");
        SloResult searched = recordedSearch(dir);
        SloResult read = Run.open(dir).sloResult();
        assertEquals(searched.tiers(), read.tiers());
        assertEquals(searched.gpus(), read.gpus());
        assertEquals(SearchSummary.of(searched), SearchSummary.of(read));
        assertEquals(searched.trialsTable().toString(), read.trialsTable().toString());
        assertEquals(searched.trials().size(), read.trials().size());
        for (int i = 0; i < searched.trials().size(); i++) {
            TrialMetrics a = searched.trials().get(i), b = read.trials().get(i);
            assertEquals(a.toString(), b.toString());
            assertEquals(a.agentMetrics(), b.agentMetrics());
            assertEquals(a.power(), b.power());
        }
    }

    /** A folder written before requests kept their gaps in brief (every gap, no summary columns) reads as it did. */
    @Test
    void aRunFolderOfTheFirstFormatReadsWithTheItlPercentilesItRecorded() throws Exception {
        Path dir = tmp.resolve("format-1");
        Files.createDirectories(dir);
        Path fixture = Path.of(getClass().getResource("/replay/run-format-1/run.json").toURI()).getParent();
        for (String f : List.of("run.json", "requests.parquet", "trials.parquet", "summary.json", "power.parquet")) {
            Files.copy(fixture.resolve(f), dir.resolve(f));
        }
        SloResult read = Run.open(dir).sloResult();
        assertEquals(2, read.trials().size());
        assertEquals(2, read.tiers().get(0).maxAgents());
        assertTrue(read.trials().stream().noneMatch(TrialMetrics::cutAtVerdict), "no cut_at_verdict column: whole");
        Table trials = Run.open(dir).readTable("trials.parquet");
        for (int i = 0; i < read.trials().size(); i++) {
            TrialMetrics.Percentiles itl = read.trials().get(i).interTokenLatency();
            assertTrue(itl.p50() > 0 && itl.p90() >= itl.p50() && itl.p99() >= itl.p90(), itl.toString());
            assertEquals(trials.doubleColumn("itl_p50_s").get(i), itl.p50(), 0, "recomputed from its gaps, as recorded");
            assertEquals(trials.doubleColumn("itl_p90_s").get(i), itl.p90(), 0);
            assertEquals(trials.doubleColumn("itl_p99_s").get(i), itl.p99(), 0);
        }
        assertEquals(Files.readString(fixture.resolve("summary.json")), SummaryFile.json(SearchSummary.of(read)));
        assertEquals(read.trials().size(), Analysis.outputSpeedCurve(read).table().rowCount());
    }

    @Test
    void aRunWithoutSummaryHasNotFinishedItsSearch() {
        Path dir = tmp.resolve("unfinished");
        try (Run run = Run.builder(dir).build()) {
            run.flush();
        }
        ReplayException e = assertThrows(ReplayException.class, () -> Run.open(dir).sloResult());
        assertTrue(e.getMessage().contains("summary.json does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("SloSearch.run(Run.resume(dir))"), e.getMessage());
    }

    @Test
    void aBrokenSummaryNamesTheFileTierAndField() throws IOException {
        Path dir = tmp.resolve("broken");
        recordedSearch(dir);
        Path summary = dir.resolve(Run.SUMMARY);
        String json = Files.readString(summary);
        Files.writeString(summary, json.replaceFirst("\"max_agents\" : 66", "\"max_agents\" : \"many\""));
        ReplayException e = assertThrows(ReplayException.class, () -> Run.open(dir).sloResult());
        assertTrue(e.getMessage().startsWith(summary + " tiers[1].max_agents: "), e.getMessage());
        assertTrue(e.getMessage().contains("\"many\""), e.getMessage());

        Files.writeString(summary, "{\"gpus\": 8, \"tiers\": [{\"min_output_tps\": 20}]}");
        e = assertThrows(ReplayException.class, () -> Run.open(dir).sloResult());
        assertTrue(e.getMessage().startsWith(summary + " tiers[0].max_ttft_s: Missing required"), e.getMessage());

        Files.writeString(summary, "not json");
        e = assertThrows(ReplayException.class, () -> Run.open(dir).sloResult());
        assertTrue(e.getMessage().startsWith(summary + ": "), e.getMessage());
    }
}
