package io.agentload.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SloSearchRunTest {

    @TempDir
    Path tmp;

    private static final List<SloTier> TIERS = SloTier.parse("20,60");

    @Test
    void aRecordedSearchWritesTheWholeRunFolder() throws IOException {
        Path dir = tmp.resolve("run");
        SloResult result;
        try (Run run = Run.builder(dir).config(new RunManifest.Fields(Map.of("tiers", "20,60")))
                .hardware(new RunManifest.StatedHardware(8, "none")).build()) {
            result = SloSearch.over(CapacityRunner.standard()).withTiers(TIERS).withGpus(8).run(run);
        }
        Run run = Run.open(dir);
        int agentsOverTrials = result.trials().stream().mapToInt(TrialMetrics::agents).sum();
        assertEquals(2 * agentsOverTrials, run.records().size());

        Table trials = run.readTable("trials.parquet");
        assertEquals(result.trials().size() * 2, trials.rowCount());
        Table at200 = trials.where(trials.intColumn("agents").isEqualTo(200)
                .and(trials.doubleColumn("min_output_tps").isEqualTo(20)));
        assertEquals(1, at200.rowCount());
        assertEquals(true, at200.booleanColumn("passed").get(0));
        assertEquals(1.0, at200.doubleColumn("share_passing").get(0), 0);
        assertEquals(400 * 101 / 60.0, at200.doubleColumn("output_tps").get(0), 1e-9, "400 requests of 101 tokens in 60 s");
        assertEquals(0.9, at200.doubleColumn("cached_token_ratio").get(0), 1e-12);
        assertEquals(3000, at200.doubleColumn("mean_power_w").get(0), 0);
        assertEquals("node, modelled", at200.stringColumn("power_boundary").get(0));

        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertEquals(8, summary.get("gpus").asInt());
        JsonNode slow = summary.get("tiers").get(0);
        assertEquals(20, slow.get("min_output_tps").asInt());
        assertEquals(6, slow.get("max_ttft_s").asInt());
        assertEquals(0.9, slow.get("percentile_of_agents").asDouble(), 0);
        assertEquals(200, slow.get("max_agents").asInt());
        assertEquals(25, slow.get("agents_per_gpu").asInt());
        assertEquals(200 / 0.003, slow.get("agents_per_mw").asDouble(), 1e-6);
        assertEquals(3000, slow.get("mean_power_w").asInt());
        assertEquals("node, modelled", slow.get("power_boundary").asText());
        assertEquals(66, summary.get("tiers").get(1).get("max_agents").asInt());
        assertEquals(SummaryFile.json(SearchSummary.of(result)), Files.readString(dir.resolve("summary.json")));

        String html = Files.readString(dir.resolve("report.html"));
        Matcher images = Pattern.compile("<img alt=\"[^\"]+\" src=\"data:image/png;base64,[A-Za-z0-9+/=]{1000,}\">")
                .matcher(html);
        int count = 0;
        while (images.find()) count++;
        assertEquals(5, count, "share, speed, TTFT, throughput and power charts");
        assertTrue(html.contains("20 tok/s, TTFT \u2264 6 s, 90% of agents</td><td>200</td><td>25.0</td><td>66,667</td>"), html.substring(0, 2500));
        assertTrue(!html.contains("<script") && !html.contains("http"), "self-contained");
    }

    /** Runs trials until the {@code crashAt}-th, which records 50 requests and then dies like a killed process. */
    private static final class CrashingRunner implements TrialRunner {
        private final CapacityRunner inner = CapacityRunner.standard();
        private final int crashAt;
        private int calls;

        CrashingRunner(int crashAt) {
            this.crashAt = crashAt;
        }

        @Override
        public Trial run(int trial, int agents, List<SloTier> open,
                         java.util.function.Consumer<RequestRecord> sink) {
            if (++calls == crashAt) {
                Trial partial = inner.run(trial, agents, r -> { });
                partial.records().subList(0, 50).forEach(sink);
                throw new IllegalStateException("killed");
            }
            return inner.run(trial, agents, sink);
        }
    }

    @Test
    void aKilledSearchResumesWithoutRerunningFinishedTrials() {
        SloResult uninterrupted = SloSearch.over(CapacityRunner.standard()).withTiers(TIERS).run();

        Path dir = tmp.resolve("killed");
        Run killed = Run.builder(dir).flushEvery(50, Duration.ofHours(1)).build();
        assertThrows(IllegalStateException.class,
                () -> SloSearch.over(new CrashingRunner(6)).withTiers(TIERS).run(killed));
        // The process is gone: the run is never closed.

        CapacityRunner fresh = CapacityRunner.standard();
        SloResult resumed;
        try (Run run = Run.resume(dir)) {
            resumed = SloSearch.over(fresh).withTiers(TIERS).run(run);
        }
        List<Integer> all = uninterrupted.trials().stream().map(TrialMetrics::agents).toList();
        assertEquals(all.subList(5, all.size()), fresh.asked, "the first five trials are reused");
        assertEquals(uninterrupted.tiers().stream().map(SloResult.TierResult::maxAgents).toList(),
                resumed.tiers().stream().map(SloResult.TierResult::maxAgents).toList());
        assertEquals(all, resumed.trials().stream().map(TrialMetrics::agents).toList());
        List<Integer> numbers = new ArrayList<>(resumed.trials().stream().map(TrialMetrics::trial).toList());
        assertEquals(List.of(0, 1, 2, 3, 4, 6, 7), numbers.subList(0, 7), "trial 5 was cut short and is not reused");

        List<RequestRecord> records = Run.open(dir).records();
        assertEquals(50, records.stream().filter(r -> r.trial() == 5).count(), "the cut trial's flushed records are kept");
        int agentsOverTrials = resumed.trials().stream().mapToInt(TrialMetrics::agents).sum();
        assertEquals(2 * agentsOverTrials + 50, records.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(uninterrupted.trials().get(i).outputTokensPerSecond(),
                    resumed.trials().get(i).outputTokensPerSecond(), 0, "rebuilt trial " + i);
            assertEquals(uninterrupted.trials().get(i).ttft(), resumed.trials().get(i).ttft());
        }
    }
}
