package io.agentload.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.replay.RequestRecord;
import io.agentload.replay.Run;
import io.agentload.sim.ModelProfile;
import io.agentload.sim.SimLoop;
import io.agentload.sim.SystemProfile;
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

/** {@code agentload bench}, {@code systems} and {@code models}: outputs, the run folder and bad usage. */
class BenchCommandTest {

    @TempDir
    Path dir;

    /** A small agentic workload as a turn file. */
    private Path sessions() {
        List<Session> sessions = SimLoop.agenticSessions(12, 8, 2);
        Path file = dir.resolve("agents.parquet");
        Trajectories.write(Trajectories.table(sessions.stream().flatMap(s -> s.turns().stream()).toList()), file);
        return file;
    }

    /** One replica of Llama 3.1 8B keeps the search small. */
    private CliRunner smallBench(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("bench", "--system", "h100x8", "--model", "llama-3.1-8b",
                "--trajectories", sessions().toString(), "--tiers", "20,60", "--window", "30s", "--agents-max", "8"));
        args.addAll(List.of(more));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void jsonIsOneObjectWithEveryTierFieldAsNumbers() throws Exception {
        Path run = dir.resolve("run");
        CliRunner r = smallBench("--json", "-o", run.toString());
        assertEquals(0, r.exitCode(), r.err());

        ObjectMapper mapper = new ObjectMapper();
        JsonNode json = mapper.readTree(r.out());
        assertEquals(r.out().strip(), mapper.writeValueAsString(json), "standard output holds the object alone");
        assertEquals("simulator", json.get("target").textValue());
        assertEquals("h100x8", json.get("system").textValue());
        assertEquals("llama-3.1-8b", json.get("model").textValue());
        assertEquals(run.toString(), json.get("run_dir").textValue());
        assertEquals(8, json.get("gpus").intValue());
        assertTrue(json.get("trials").intValue() >= 4);
        JsonNode tiers = json.get("tiers");
        assertEquals(2, tiers.size());
        double[][] expected = {{20, 6}, {60, 3}};
        for (int i = 0; i < 2; i++) {
            JsonNode t = tiers.get(i);
            assertTrue(t.get("min_output_tps").isNumber() && t.get("max_ttft_s").isNumber(), t.toString());
            assertEquals(expected[i][0], t.get("min_output_tps").doubleValue());
            assertEquals(expected[i][1], t.get("max_ttft_s").doubleValue());
            assertTrue(t.get("max_agents").isIntegralNumber(), t.toString());
            int agents = t.get("max_agents").intValue();
            assertTrue(agents >= 1 && agents <= 8, t.toString());
            for (String f : List.of("agents_per_gpu", "agents_per_mw", "mean_power_w")) {
                assertTrue(t.get(f).isNumber(), f + " in " + t);
            }
            assertEquals(agents / 8.0, t.get("agents_per_gpu").doubleValue(), 1e-12);
            double watts = t.get("mean_power_w").doubleValue();
            assertTrue(watts > 8 * 140 && watts < 10_200, "a node of H100s: " + watts);
            assertEquals(agents / (watts / 1e6), t.get("agents_per_mw").doubleValue(), 1e-6);
            assertEquals("node, modelled (simulator)", t.get("power_boundary").textValue());
        }
        assertTrue(tiers.get(1).get("max_agents").intValue() <= tiers.get(0).get("max_agents").intValue());

        assertTrue(r.err().contains("h100x8/llama-3.1-8b") && r.err().contains("trials"), "a progress bar: " + r.err());
        for (String f : List.of("run.json", "requests.parquet", "trials.parquet", "power.parquet", "summary.json",
                "report.html")) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        assertEquals(mapper.readTree(run.resolve("summary.json").toFile()).get("tiers"), tiers);
        assertFalse(Files.exists(run.resolve("requests")), "no emptied parts folder is left behind");
        assertFalse(Run.open(run).itlDetail());
        assertTrue(Run.open(run).records().stream().allMatch(q -> q.interTokenLatencies().length == 0
                && q.interTokenLatencyCount() == q.outputTokens() - 1), "each request's gaps in brief");
    }

    @Test
    void toolTimeChoosesTheAgentsToolTimesAndRunJsonRecordsIt() throws Exception {
        Path run = dir.resolve("run");
        CliRunner r = smallBench("--tool-time", "5s", "-o", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode manifest = new ObjectMapper().readTree(run.resolve("run.json").toFile());
        assertEquals(new ToolTimeConverter().convert("5s").toString(), manifest.findValue("tool_times").textValue());
    }

    @Test
    void textShowsTheTierTableAndTheRunFolder() {
        Path run = dir.resolve("text-run");
        CliRunner r = smallBench("--prefix-cache", "off", "--power-boundary", "gpu", "--tensor-parallel", "2",
                "--itl-detail", "--threads", "3", "-o", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Run.open(run).itlDetail());
        assertTrue(Run.open(run).records().stream().allMatch(RequestRecord::interTokenLatenciesKept));
        assertTrue(Run.open(run).records().stream().anyMatch(q -> q.interTokenLatencies().length > 1));
        assertTrue(r.out().startsWith("h100x8 serving llama-3.1-8b (4 replicas at TP2, prefix cache off)"), r.out());
        assertTrue(r.out().contains("20 tok/s, TTFT ≤ 6 s, 90% of agents"), r.out());
        assertTrue(r.out().contains("gpu, modelled (simulator)"), r.out());
        assertTrue(r.out().contains("run folder: " + run), r.out());
    }

    @Test
    void theDefaultsRunTheShippedSampleOnTheDefaultSystemAndModel() throws Exception {
        assertTrue(Files.exists(Path.of(BenchCommand.DEFAULT_TRAJECTORIES)), "run from the project folder");
        CliRunner r = CliRunner.run("bench", "--window", "20s", "--agents-max", "2", "--json",
                "-o", dir.resolve("defaults").toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("h200x8", json.get("system").textValue());
        assertEquals("llama-3.1-70b", json.get("model").textValue());
        assertEquals(BenchCommand.DEFAULT_TRAJECTORIES, json.get("trajectories").textValue());
        assertEquals(3, json.get("tiers").size());
    }

    @Test
    void badUsageIsOneLineAndExitCodeTwo() {
        CliRunner unknown = CliRunner.run("bench", "--system", "tpu-v5", "-o", dir.resolve("a").toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().startsWith("agentload bench: unknown system 'tpu-v5'; known: h100x8, h200x8"),
                unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());

        CliRunner tooBig = CliRunner.run("bench", "--system", "h100x8", "--model", "deepseek-v3");
        assertEquals(2, tooBig.exitCode());
        assertTrue(tooBig.err().contains("does not fit on h100x8"), tooBig.err());

        assertEquals(2, CliRunner.run("bench", "--prefix-cache", "maybe").exitCode());
        assertEquals(2, CliRunner.run("bench", "--tiers", "25").exitCode());
        assertEquals(2, CliRunner.run("bench", "--window", "0s").exitCode());
        assertEquals(2, CliRunner.run("bench", "--power-boundary", "rack").exitCode());
        CliRunner tp = CliRunner.run("bench", "--system", "h100x8", "--model", "llama-3.1-70b", "--tensor-parallel", "1");
        assertEquals(2, tp.exitCode());
        assertTrue(tp.err().contains("weights leave no room for KV cache"), tp.err());
        assertEquals(2, CliRunner.run("bench", "--tensor-parallel", "16").exitCode());
        assertEquals(2, CliRunner.run("bench", "--threads", "0").exitCode());
        CliRunner threads = CliRunner.run("bench", "--endpoint", "http://localhost:1/v1", "--model", "m", "--threads", "2");
        assertEquals(2, threads.exitCode());
        assertTrue(threads.err().contains("--threads is for the simulator"), threads.err());
        assertFalse(Files.exists(dir.resolve("a")), "nothing is written on bad usage");
    }

    @Test
    void aMissingTrajectoryFileOrAnExistingRunStopsBeforeAnyTrial() throws Exception {
        CliRunner missing = CliRunner.run("bench", "--trajectories", dir.resolve("none.parquet").toString(),
                "-o", dir.resolve("b").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("none.parquet"), missing.err());

        Path taken = dir.resolve("taken");
        Files.createDirectories(taken);
        Files.writeString(taken.resolve("run.json"), "{}");
        CliRunner existing = smallBench("-o", taken.toString());
        assertEquals(2, existing.exitCode());
        assertTrue(existing.err().contains("already holds a run"), existing.err());
    }

    @Test
    void systemsAndModelsListEveryProfileWithItsSource() {
        CliRunner systems = CliRunner.run("systems");
        assertEquals(0, systems.exitCode(), systems.err());
        for (SystemProfile s : SystemProfile.all()) {
            assertTrue(systems.out().contains("\n" + s.name() + " "), s.name());
            assertTrue(systems.out().contains(s.name() + ": " + s.source()), s.name());
            assertTrue(systems.out().contains(s.gpu().name() + ": " + s.gpu().source()), s.gpu().name());
        }
        assertTrue(systems.out().contains("h200x8       h200         8      140   4.80     989    1979       -    700"
                + "    122     10.2  node"), systems.out());

        CliRunner models = CliRunner.run("models");
        assertEquals(0, models.exitCode(), models.err());
        Set<String> names = Set.of("llama-3.1-8b", "llama-3.1-70b", "gpt-oss-120b", "deepseek-v3", "deepseek-v4-pro",
                "deepseek-v4-flash");
        for (ModelProfile m : ModelProfile.all()) {
            assertTrue(names.contains(m.name()));
            assertTrue(models.out().contains(m.name() + ": " + m.source()), m.name());
        }
        assertTrue(models.out().contains("llama-3.1-70b          70.6      70.6     80 dense                 320.0 BF16"),
                models.out());
        assertTrue(models.out().contains("deepseek-v4-pro      1600.0      49.0     61 384x6 MoE, CSA/HCA      9.6 "
                + "FP8/FP4       861.4 1,048,576"), models.out());
    }
}
