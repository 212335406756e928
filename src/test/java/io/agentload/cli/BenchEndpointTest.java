package io.agentload.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.endpoint.FakeOpenAiServer;
import io.agentload.endpoint.Reply;
import io.agentload.replay.RequestRecord;
import io.agentload.replay.Run;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code agentload bench --endpoint}: the real-time search's outputs, bad usage, and resuming a killed search. */
class BenchEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Reply PACED = Reply.stream().withFirstTokenDelay(Duration.ofMillis(5)).withInterval(Duration.ofMillis(2));

    @TempDir
    Path tmp;

    private Path trajectories() {
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            for (int k = 0; k < 4; k++) {
                int reused = k == 0 ? 0 : 300 + 100 * (k - 1) + 4 + (k - 1);
                turns.add(new Turn("b" + i, k, "go", 300 + 100 * k, reused, "sys", 64, 4 + k, 30, List.of()));
            }
        }
        Path file = tmp.resolve("turns.parquet");
        Trajectories.write(Trajectories.table(turns), file);
        return file;
    }

    private List<String> bench(String url, Path dir, String... more) {
        List<String> args = new ArrayList<>(List.of("bench", "--endpoint", url, "--model", "fake", "--trajectories",
                trajectories().toString(), "--tiers", "20:0.5", "-o", dir.toString()));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void jsonHasTheSimulatedBenchsShapeAndCountsRequests() throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false)) {
            Path dir = tmp.resolve("run");
            CliRunner r = CliRunner.run(bench(server.baseUrl(), dir, "--window", "0.5s", "--agents-max", "4", "--gpus", "2", "--power",
                    "constant=400:gpu", "--json").toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.err());
            JsonNode json = JSON.readTree(r.out());
            assertEquals(r.out().strip(), JSON.writeValueAsString(json), "standard output holds the object alone");
            assertEquals("endpoint", json.get("target").asText());
            assertEquals(server.baseUrl() + "/completions", json.get("endpoint").asText());
            assertEquals("fake", json.get("model").asText());
            assertEquals(dir.toString(), json.get("run_dir").asText());
            assertEquals(0.5, json.get("window_s").asDouble());
            assertEquals(2, json.get("gpus").asInt());
            assertEquals(3, json.get("trials").asInt(), "1, 2 and 4 agents, all passing");
            JsonNode tier = json.get("tiers").get(0);
            assertEquals(4, tier.get("max_agents").asInt());
            assertTrue(tier.get("capped").asBoolean());
            assertEquals(2.0, tier.get("agents_per_gpu").asDouble());
            assertEquals(4 / 400e-6, tier.get("agents_per_mw").asDouble(), 1e-6);
            assertEquals("gpu, stated (constant)", tier.get("power_boundary").asText());
            assertTrue(tier.get("energy_j").isNumber() && tier.get("power_coverage").asDouble() > 0.9, tier.toString());
            assertEquals(Run.open(dir).records().stream().filter(RequestRecord::ok).count(),
                    json.get("requests_by_status").get("ok").asLong());
            assertTrue(json.get("send_lag_ms").get("sends").asLong() > 0);
            assertTrue(r.err().contains("trial 2, 4 agents: 20 ok"), r.err());

            CliRunner text = CliRunner.run(bench(server.baseUrl(), tmp.resolve("text"), "--window", "0.5s", "--agents-max", "2",
                    "--power", "constant=1000").toArray(String[]::new));
            assertEquals(0, text.exitCode(), text.err());
            assertTrue(text.out().startsWith(server.baseUrl() + "/completions serving fake, 2 trials"), text.out());
            assertTrue(text.out().contains("20 tok/s, TTFT \u2264 0.5 s, 90% of agents"), text.out());
            assertTrue(text.out().contains(" ok; send lag p99 "), text.out());
            assertTrue(text.out().contains("  20 tok/s at 2 agents: 0.5 kJ in the window, power readings covering "), text.out());
        }
    }

    @Test
    void badUsageExitsWith2BeforeAnyRequest() throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
            String[][] cases = {
                    bench(server.baseUrl(), tmp.resolve("a"), "--system", "h100x8").toArray(String[]::new),
                    {"bench", "--endpoint", server.baseUrl(), "--trajectories", trajectories().toString()},
                    {"bench", "--gpus", "8"},
                    {"bench", "--power", "nvidia-smi"},
                    bench(server.baseUrl(), tmp.resolve("b"), "--power", "model").toArray(String[]::new),
                    {"bench", "--resume", tmp.toString(), "--window", "60s"},
                    {"bench", "--stall-timeout", "10s"},
                    bench(server.baseUrl(), tmp.resolve("c"), "--first-token-timeout", "0s").toArray(String[]::new),
            };
            String[] messages = {
                    "--system describes the simulator, not --endpoint",
                    "--endpoint needs --model NAME, the served model's name",
                    "--gpus needs --endpoint URL",
                    "--power: the simulator's power is its model",
                    "power source model is the simulator's",
                    "--window cannot be changed when resuming",
                    "--stall-timeout needs --endpoint URL",
                    "first token timeout PT0S is not positive",
            };
            CliRunner.assertUsageErrors(cases, messages);
            assertEquals(0, server.requests());
        }
    }

    @Test
    @Tag("slow")
    void aSearchKilledMidRunResumesWithTheTrialsItFinished() throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false)) {
            Path dir = tmp.resolve("killed");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "io.agentload.cli.Main"));
            command.addAll(bench(server.baseUrl(), dir, "--agents-max", "32", "--window", "1s"));
            Process child = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("child.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int finished = 0;
            while (finished < 3 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                if (Files.exists(dir.resolve("trials.parquet"))) {
                    finished = new TreeSet<>(Run.open(dir).readTable("trials.parquet").intColumn("trial").asList()).size();
                }
            }
            child.destroyForcibly().waitFor();
            assertTrue(finished >= 3, "the child finished trials: " + Files.readString(tmp.resolve("child.log")));
            Table before = Run.open(dir).readTable("trials.parquet");

            CliRunner r = CliRunner.run("bench", "--resume", dir.toString(), "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode json = JSON.readTree(r.out());
            assertEquals(32, json.get("tiers").get(0).get("max_agents").asInt());
            TreeMap<Integer, Integer> agentsByTrial = new TreeMap<>();
            Table after = Run.open(dir).readTable("trials.parquet");
            for (int i = 0; i < after.rowCount(); i++) agentsByTrial.put(after.intColumn("trial").get(i), after.intColumn("agents").get(i));
            for (int i = 0; i < before.rowCount(); i++) {
                assertEquals(before.intColumn("agents").get(i), agentsByTrial.get(before.intColumn("trial").get(i)),
                        "finished trials are reused as they were");
            }
            assertEquals(List.of(1, 2, 4, 8, 16, 32), agentsByTrial.values().stream().sorted().toList(),
                    "every concurrency once: " + agentsByTrial);
            assertTrue(r.err().contains("trial"), r.err());
            assertEquals(1, Run.open(dir).manifest().resumedAt().size());
        }
    }
}
