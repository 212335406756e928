package io.agentload.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.sim.SimLoop;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code agentload bench --deployment SPEC|auto}: the layout named in the output and in summary.json. */
class DeploymentCommandTest {

    @TempDir
    Path dir;

    private CliRunner smallBench(String... more) {
        return benchOn("h100x8", "llama-3.1-8b", more);
    }

    private CliRunner benchOn(String system, String model, String... more) {
        List<Session> sessions = SimLoop.agenticSessions(12, 8, 2);
        Path file = dir.resolve("agents.parquet");
        if (!Files.exists(file)) {
            Trajectories.write(Trajectories.table(sessions.stream().flatMap(s -> s.turns().stream()).toList()), file);
        }
        List<String> args = new java.util.ArrayList<>(List.of("bench", "--system", system, "--model", model,
                "--trajectories", file.toString(), "--tiers", "20,60", "--window", "30s", "--agents-max", "8"));
        args.addAll(List.of(more));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void aGivenLayoutIsNamedInTheOutputAndSummary() throws Exception {
        Path run = dir.resolve("run");
        CliRunner r = smallBench("--deployment", "ctx=1x(tp4),gen=1x(tp4),batch=64", "-o", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("h100x8 serving llama-3.1-8b (deployment ctx=1x(tp4),gen=1x(tp4),batch=64,"),
                r.out());
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        for (JsonNode t : summary.get("tiers")) {
            assertEquals("ctx=1x(tp4),gen=1x(tp4),batch=64", t.get("deployment").textValue(), t.toString());
        }
    }

    @Test
    void autoReportsTheBestLayoutPerTier() throws Exception {
        Path run = dir.resolve("auto");
        CliRunner r = smallBench("--deployment", "auto", "-o", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("best deployment"), r.out());
        assertTrue(r.out().contains("unified=1x(tp8)"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("20 tok/s") && l.contains("=")), r.out());
        ObjectMapper mapper = new ObjectMapper();
        JsonNode summary = mapper.readTree(run.resolve("summary.json").toFile());
        Set<String> layouts = Set.of("unified", "disagg-1to1", "disagg-1to3");
        for (String layout : layouts) {
            assertTrue(Files.exists(run.resolve(layout).resolve("summary.json")), layout);
            assertTrue(Files.readString(run.resolve("report.html")).contains(layout + "/report.html"), layout);
        }
        JsonNode tiers = summary.get("tiers");
        assertEquals(2, tiers.size());
        for (int i = 0; i < 2; i++) {
            JsonNode best = tiers.get(i);
            int most = 0;
            for (String layout : layouts) {
                JsonNode t = mapper.readTree(run.resolve(layout).resolve("summary.json").toFile()).get("tiers").get(i);
                most = Math.max(most, t.get("max_agents").intValue());
                if (t.get("deployment").equals(best.get("deployment"))) {
                    assertEquals(t.get("max_agents"), best.get("max_agents"), "the best is that layout's answer");
                }
            }
            assertEquals(most, best.get("max_agents").intValue(), "no layout served more: " + best);
        }
    }

    @Test
    void autoSearchesTheLayoutsThatFitWhereTheDefaultLayoutDoesNot() {
        // V4 Pro's 861 GB leave too little KV room for the default layout's rule on eight H200s, but fit with attention
        // data-parallel; on eight H100s no layout fits
        Path run = dir.resolve("v4");
        CliRunner r = benchOn("h200x8", "deepseek-v4-pro", "--deployment", "auto",
                "-o", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("unified=1x(tp8,ep8,dp8)"), r.out());
        assertTrue(Files.exists(run.resolve("unified").resolve("summary.json")), r.out());
        assertFalse(Files.exists(run.resolve("disagg-1to1")), "four H200s do not hold V4 Pro");

        CliRunner none = benchOn("h100x8", "deepseek-v4-pro", "--deployment", "auto", "-o", dir.resolve("b").toString());
        assertEquals(2, none.exitCode());
        assertTrue(none.err().startsWith("agentload bench: model deepseek-v4-pro fits none of --deployment auto's "
                + "layouts on h100x8 with room for KV cache"), none.err());
    }

    @Test
    void badLayoutsAreBadUsage() {
        CliRunner unclosed = CliRunner.run("bench", "--deployment", "unified=1x(tp8", "-o", dir.resolve("a").toString());
        assertEquals(2, unclosed.exitCode());
        assertTrue(unclosed.err().startsWith("agentload bench: deployment \"unified=1x(tp8\": a \"(\" is never closed"),
                unclosed.err());
        CliRunner tooMany = CliRunner.run("bench", "--deployment", "unified=2x(tp8)");
        assertEquals(2, tooMany.exitCode());
        assertTrue(tooMany.err().contains("needs 16 GPUs, the system has 8"), tooMany.err());
        CliRunner both = CliRunner.run("bench", "--deployment", "auto", "--tensor-parallel", "4");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("leave out --tensor-parallel"), both.err());
        CliRunner endpoint = CliRunner.run("bench", "--endpoint", "http://localhost:1/v1", "--model", "m",
                "--deployment", "auto");
        assertEquals(2, endpoint.exitCode());
        assertTrue(endpoint.err().contains("--deployment describes the simulator"), endpoint.err());
        assertFalse(Files.exists(dir.resolve("a")), "nothing is written on bad usage");
    }
}
