package io.agentload.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Run folders as earlier versions wrote them (src/test/resources/replay/FIXTURES.md) read as they did, into the typed
 * records, and write back to the same content: {@code summary.json} to the same bytes, {@code run.json} to the same
 * fields and values.
 */
class RunFolderFormatsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path copy(String fixture) throws IOException, URISyntaxException {
        Path from = Path.of(getClass().getResource("/replay/" + fixture + "/run.json").toURI()).getParent();
        Path to = tmp.resolve(fixture);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
        return to;
    }

    /** {@code run.json} written again from what was read, compared field by field with the file. */
    private void rewritesToTheSameContent(Path dir) throws IOException {
        Path again = tmp.resolve("again-" + dir.getFileName());
        Files.createDirectories(again);
        ManifestFile.write(again, Run.open(dir).manifest());
        assertEquals(JSON.readTree(dir.resolve(Run.MANIFEST).toFile()), JSON.readTree(again.resolve(Run.MANIFEST).toFile()));
    }

    @Test
    void aSimulatedSearchReadsIntoItsTypesAndWritesBackUnchanged() throws Exception {
        Path dir = copy("run-format-1");
        Run run = Run.open(dir);
        RunManifest m = run.manifest();
        assertEquals(RunManifest.FORMAT, m.format());
        assertEquals(new RunManifest.Versions("development build", "25.0.3", "Linux amd64"), m.versions());
        RunManifest.SimulatedSystem hardware = (RunManifest.SimulatedSystem) m.hardware();
        assertEquals(1.50754820096E11, hardware.hbmBytesPerGpu(), 0);
        assertEquals(8, hardware.gpus());
        assertEquals("llama-3.1-8b", ((RunManifest.SimulatorEndpoint) m.endpoint()).model());
        RunManifest.SimulatorConfig config = (RunManifest.SimulatorConfig) m.config();
        assertEquals(500701, config.kvBlocksPerReplica());
        assertEquals(20.0, config.windowS(), 0);
        assertEquals("20 tok/s, TTFT ≤ 6 s, 90% of agents", config.tiers());
        assertNull(m.itlDetail());
        assertTrue(run.itlDetail(), "a folder from before itl_detail kept every gap");
        rewritesToTheSameContent(dir);
        assertEquals(Files.readString(dir.resolve(Run.SUMMARY)), SummaryFile.json(run.searchSummary()));
    }

    @Test
    void aRealTimeReplayReadsIntoItsTypesAndWritesBackUnchanged() throws Exception {
        Path dir = copy("replay-format-1");
        Run run = Run.open(dir);
        RunManifest m = run.manifest();
        RunManifest.EndpointConfig config = (RunManifest.EndpointConfig) m.config();
        assertEquals("replay", config.mode());
        assertEquals(2, config.agents());
        assertNull(config.gpus());
        assertEquals(new RunManifest.StatedHardware(1, "constant=700:gpu"), m.hardware());
        assertEquals(new RunManifest.HttpEndpoint("openai-compatible", "http://127.0.0.1:18431/v1/completions",
                "llama-3.1-8b", "completions", ""), m.endpoint());
        assertEquals(false, m.itlDetail());
        rewritesToTheSameContent(dir);

        ReplaySummary s = run.replaySummary();
        assertEquals(2, s.agents());
        assertEquals(Map.of("ok", 9L), s.requestsByStatus());
        assertEquals(9, s.sendLagMs().sends());
        assertEquals(3500, s.energyJ(), 1e-9);
        assertEquals("gpu, stated (constant)", s.powerBoundary());
        assertEquals(2, s.tiers().size());
        assertEquals(Files.readString(dir.resolve(Run.SUMMARY)), SummaryFile.json(s));
    }

    @Test
    void aRealTimeSearchReadsWithItsEnergyStatusesAndSendLag() throws Exception {
        Path dir = copy("bench-endpoint-format-1");
        Run run = Run.open(dir);
        assertEquals("bench", ((RunManifest.EndpointConfig) run.manifest().config()).mode());
        rewritesToTheSameContent(dir);

        SearchSummary s = run.searchSummary();
        assertEquals(Map.of("ok", 99L), s.requestsByStatus());
        assertEquals(5, s.sendLagMs().lateThresholdMs());
        SearchSummary.Tier tier = s.tiers().get(0);
        assertEquals(2100, tier.energyJ(), 1e-9);
        assertEquals(1, tier.powerCoverage(), 0);
        assertEquals(Files.readString(dir.resolve(Run.SUMMARY)), SummaryFile.json(s));

        SloResult result = run.sloResult();
        assertEquals(2, result.trials().size());
        assertEquals(2, result.tiers().get(0).maxAgents());
        assertEquals("gpu, stated (constant)", result.tiers().get(0).power().orElseThrow().boundary());
    }

    @Test
    void resumingAddsOnlyTheResumeToRunJson() throws Exception {
        Path dir = copy("replay-format-1");
        JsonNode before = JSON.readTree(dir.resolve(Run.MANIFEST).toFile());
        Run.resume(dir).close();
        ObjectNode after = (ObjectNode) JSON.readTree(dir.resolve(Run.MANIFEST).toFile());
        assertEquals(1, after.remove("resumed_at").size());
        assertEquals(before, after);
    }

    /** Sections no type describes (another version's, or a map given to the builder) are kept field for field. */
    @Test
    void aSectionOfAnUnknownShapeIsKeptFieldForField() throws Exception {
        Path dir = copy("run-format-1");
        ObjectNode manifest = (ObjectNode) JSON.readTree(dir.resolve(Run.MANIFEST).toFile());
        manifest.set("config", JSON.readTree("{\"tiers\": \"20,60\", \"note\": {\"a\": [1, 2.5, null]}}"));
        ((ObjectNode) manifest.get("hardware")).put("rack", "r7");
        manifest.remove("versions");
        Files.writeString(dir.resolve(Run.MANIFEST), JSON.writeValueAsString(manifest));

        RunManifest m = Run.open(dir).manifest();
        assertEquals(Map.of("tiers", "20,60", "note", Map.of("a", java.util.Arrays.asList(1, 2.5, null))),
                ((RunManifest.Fields) m.config()).fields());
        assertTrue(m.hardware() instanceof RunManifest.Fields, "a field SimulatedSystem lacks: " + m.hardware());
        assertNull(m.versions());
        Run.resume(dir).close();
        ObjectNode after = (ObjectNode) JSON.readTree(dir.resolve(Run.MANIFEST).toFile());
        after.remove("resumed_at");
        assertEquals(manifest, after);
    }

    /** A summary without power figures reads as a result without power, as the reader has always allowed. */
    @Test
    void aSummaryWithoutPowerFieldsReadsAsNoPower() throws Exception {
        Path dir = copy("run-format-1");
        Files.writeString(dir.resolve(Run.SUMMARY), """
                {"gpus": 8, "tiers": [{"min_output_tps": 20, "max_ttft_s": 6, "percentile_of_agents": 0.9,
                  "max_agents": 2, "capped": true, "consistent": true, "agents_per_gpu": 0.25}]}""");
        SloResult.TierResult tier = Run.open(dir).sloResult().tiers().get(0);
        assertEquals(2, tier.maxAgents());
        assertFalse(tier.power().isPresent());
        assertTrue(Double.isNaN(tier.agentsPerMegawatt()));
        assertEquals(List.of(tier), Run.open(dir).searchSummary().tierResults());
    }
}
