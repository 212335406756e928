package io.agentload.slo;

import io.agentload.replay.ReplayException;
import io.agentload.replay.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SloResultReadTest {

    @TempDir
    Path tmp;

    private SloResult recordedSearch(Path dir) {
        try (Run run = Run.builder(dir).config(Map.of("tiers", "20,60")).create()) {
            return SloSearch.over(CapacityRunner.standard()).withTiers(SloTier.parse("20,60")).withGpus(8).run(run);
        }
    }

    @Test
    void aRunFolderReadsBackAsTheResultTheSearchReturned() {
        Path dir = tmp.resolve("run");
        SloResult searched = recordedSearch(dir);
        SloResult read = SloResult.read(Run.open(dir));
        assertEquals(searched.tiers(), read.tiers());
        assertEquals(searched.gpus(), read.gpus());
        assertEquals(searched.summaryJson(), read.summaryJson());
        assertEquals(searched.trialsTable().toString(), read.trialsTable().toString());
        assertEquals(searched.trials().size(), read.trials().size());
        for (int i = 0; i < searched.trials().size(); i++) {
            TrialMetrics a = searched.trials().get(i), b = read.trials().get(i);
            assertEquals(a.toString(), b.toString());
            assertEquals(a.agentMetrics(), b.agentMetrics());
            assertEquals(a.power(), b.power());
        }
    }

    @Test
    void aRunWithoutSummaryHasNotFinishedItsSearch() {
        Path dir = tmp.resolve("unfinished");
        try (Run run = Run.builder(dir).create()) {
            run.flush();
        }
        ReplayException e = assertThrows(ReplayException.class, () -> SloResult.read(Run.open(dir)));
        assertTrue(e.getMessage().contains("summary.json does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("SloSearch.run(Run.resume(dir))"), e.getMessage());
    }

    @Test
    void aBrokenSummaryNamesTheFileTierAndField() throws IOException {
        Path dir = tmp.resolve("broken");
        recordedSearch(dir);
        Path summary = dir.resolve(SloResult.SUMMARY);
        String json = Files.readString(summary);
        Files.writeString(summary, json.replaceFirst("\"max_agents\" : 66", "\"max_agents\" : \"many\""));
        ReplayException e = assertThrows(ReplayException.class, () -> SloResult.read(Run.open(dir)));
        assertEquals(summary + " tiers[1]: field max_agents is not a number: \"many\"", e.getMessage());

        Files.writeString(summary, "{\"gpus\": 8, \"tiers\": [{\"min_output_tps\": 20}]}");
        e = assertThrows(ReplayException.class, () -> SloResult.read(Run.open(dir)));
        assertEquals(summary + " tiers[0]: field max_ttft_s is not a number: ", e.getMessage());

        Files.writeString(summary, "not json");
        e = assertThrows(ReplayException.class, () -> SloResult.read(Run.open(dir)));
        assertTrue(e.getMessage().startsWith(summary + ": "), e.getMessage());
    }
}
