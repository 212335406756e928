package io.agentload.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.endpoint.FakeOpenAiServer;
import io.agentload.endpoint.Reply;
import io.agentload.endpoint.TestEndpoints;
import io.agentload.replay.RequestRecord;
import io.agentload.replay.Run;
import io.agentload.replay.RunManifest;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Reply PACED = Reply.stream().withFirstTokenDelay(Duration.ofMillis(5)).withInterval(Duration.ofMillis(2));

    @TempDir
    Path tmp;

    /** Five small sessions with 30 ms of tool time, written as a turn table. */
    private Path trajectories() {
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            for (int k = 0; k < 3 + i; k++) {
                int reused = k == 0 ? 0 : 300 + 100 * (k - 1) + 4 + (k - 1);
                turns.add(new Turn("c" + i, k, "rust", 300 + 100 * k, reused, "sys", 64, 4 + k, 30, List.of()));
            }
        }
        Path file = tmp.resolve("turns.parquet");
        Trajectories.write(Trajectories.table(turns), file);
        return file;
    }

    @Test
    void aReplayRecordsItsRunFolderAndPrintsItsSummary() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false)) {
            Path dir = tmp.resolve("run");
            CliRunner r = CliRunner.run("replay", "--endpoint", server.baseUrl(), "--model", "fake", "--agents", "3",
                    "--duration", "1s", "--max-warmup", "5s", "--trajectories", trajectories().toString(),
                    "-o", dir.toString(), "--power", "constant=800", "--no-progress");
            assertEquals(0, r.exitCode(), r.err());
            List<RequestRecord> records = Run.open(dir).records();
            assertTrue(r.out().startsWith(dir + ": trial 0, 3 agents, 1 s window after "), r.out());
            long ok = records.stream().filter(RequestRecord::ok).count(), cut = records.size() - ok;
            assertTrue(r.out().contains("  requests   " + String.format("%,d", ok) + " ok, " + cut + " failed"
                    + (cut == 0 ? "" : " (cut_at_end " + cut + ")") + "; "), r.out() + ": the cool-down cut at the end");
            assertTrue(r.out().contains("  power      800 W mean (node, stated as a constant), 0.8 kJ, coverage "), r.out());
            assertTrue(r.out().contains("3,750 agents per MW"), r.out());
            assertTrue(r.out().contains("  tier       20 tok/s, TTFT \u2264 6 s, 90% of agents"), r.out());
            assertTrue(records.stream().allMatch(q -> q.interTokenLatencies().length == 0), "gaps in brief by default");
            JsonNode itl = JSON.readTree(dir.resolve("summary.json").toFile()).get("itl_s");
            assertTrue(itl.get("p90").isNumber(), itl.toString());
            CliRunner again = CliRunner.run("replay", "--resume", dir.toString(), "--no-progress", "--json");
            assertEquals(0, again.exitCode(), again.err());
            assertEquals(itl, JSON.readTree(again.out()).get("itl_s"), "a finished trial's ITL from trials.parquet");
            assertFalse(Files.exists(dir.resolve("requests")));

            CliRunner json = CliRunner.run("replay", "--endpoint", server.baseUrl(), "--model", "fake", "--agents", "2",
                    "--duration", "500ms", "--trajectories", trajectories().toString(), "-o", tmp.resolve("json").toString(),
                    "--no-progress", "--json", "--api", "chat", "--itl-detail");
            assertEquals(0, json.exitCode(), json.err());
            List<RequestRecord> detailed = Run.open(tmp.resolve("json")).records();
            assertTrue(detailed.stream().allMatch(RequestRecord::interTokenLatenciesKept));
            assertTrue(detailed.stream().anyMatch(q -> q.interTokenLatencies().length > 0), "--itl-detail keeps the gaps");
            assertEquals(Files.readString(tmp.resolve("json").resolve("summary.json")), json.out());
            JsonNode s = JSON.readTree(json.out());
            assertEquals(2, s.get("agents").asInt());
            assertTrue(s.get("agents_per_mw").isNull());
            assertEquals("chat", ((RunManifest.HttpEndpoint) Run.open(tmp.resolve("json")).manifest().endpoint()).api());
        }
    }

    @Test
    void aDeadEndpointStopsAtOnceNamingTheRequestAndLeavesNoRunFolder() throws IOException {
        int port = TestEndpoints.closedPort();
        Path dir = tmp.resolve("dead");
        CliRunner r = CliRunner.run("replay", "--endpoint", "http://127.0.0.1:" + port + "/v1", "--model", "fake",
                "--agents", "2", "--duration", "1s", "--trajectories", trajectories().toString(), "-o", dir.toString(),
                "--no-progress");
        assertEquals(1, r.exitCode(), r.err());
        assertEquals("agentload replay: GET http://127.0.0.1:" + port + "/v1/models: could not connect (Failed to "
                + "connect to /127.0.0.1:" + port + "); is the server up, on this port?", r.err().strip());
        assertFalse(Files.exists(dir));
    }

    @Test
    void badUsageNamesTheOptionAndExitsWith2() throws IOException {
        Path turns = trajectories();
        String[][] cases = {
                {"replay", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--agents", "2", "-o", "x"},
                {"replay", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--agents", "2", "-o", "x",
                        "--trajectories", turns.toString(), "--duration", "10"},
                {"replay", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--agents", "2", "-o", "x",
                        "--trajectories", turns.toString(), "--power", "model"},
                {"replay", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--agents", "0", "-o", "x",
                        "--trajectories", turns.toString()},
                {"replay", "--resume", tmp.toString(), "--agents", "4"},
                {"replay", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--agents", "2", "-o", "x",
                        "--trajectories", turns.toString(), "--stall-timeout", "0s"},
        };
        String[] messages = {
                "a new run needs --endpoint URL, --model NAME, --agents N, --trajectories FILE and -o RUNDIR",
                "'10' is not a duration (write e.g. 10m, 90s, 1h30m or 500ms)",
                "power source model is the simulator's; against an endpoint use nvidia-smi",
                "--agents must be positive, not 0",
                "--agents cannot be changed when resuming",
                "stall timeout PT0S is not positive",
        };
        CliRunner.assertUsageErrors(cases, messages);
        assertEquals(List.of(), Files.list(tmp).filter(p -> !p.getFileName().toString().equals("turns.parquet")).toList(),
                "bad usage creates nothing");
    }

    @Test
    @Tag("slow")
    void aReplayKilledMidRunKeepsEveryRecordedRequestAndResumes() throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false)) {
            Path dir = tmp.resolve("killed");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "io.agentload.cli.Main", "replay", "--endpoint", server.baseUrl(), "--model", "fake",
                    "--agents", "3", "--duration", "2s", "--trajectories", trajectories().toString(), "-o", dir.toString(),
                    "--no-progress")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
            List<RequestRecord> seen = List.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen.size() < 15 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                if (Files.exists(dir.resolve("run.json"))) seen = Run.open(dir).records();
            }
            child.destroyForcibly().waitFor();
            assertTrue(seen.size() >= 15, "the child recorded requests: " + Files.readString(tmp.resolve("child.log")));
            assertTrue(Files.exists(dir.resolve("requests")), "killed before compaction");
            assertTrue(!Files.exists(dir.resolve("summary.json")), "killed before the summary");

            List<RequestRecord> kept = Run.open(dir).records();
            assertTrue(new HashSet<>(kept).containsAll(seen), "every record seen before the kill is kept");
            assertEquals(Set.of(0), trials(kept));

            CliRunner r = CliRunner.run("replay", "--resume", dir.toString(), "--no-progress", "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode s = JSON.readTree(r.out());
            assertEquals(1, s.get("trial").asInt(), "a new trial replaces the cut one");
            assertEquals(2.0, s.get("window_s").asDouble(), 1e-9);
            List<RequestRecord> all = Run.open(dir).records();
            assertTrue(new HashSet<>(all).containsAll(kept), "resuming keeps the cut trial's requests");
            assertEquals(Set.of(0, 1), trials(all));
            assertEquals(all.stream().filter(RequestRecord::ok).count(), s.get("requests_by_status").get("ok").asLong(),
                    "the summary counts both trials");
            assertEquals(1, Run.open(dir).manifest().resumedAt().size());
            assertEquals(Set.of(1), new HashSet<>(Run.open(dir).readTable("trials.parquet").intColumn("trial").asList()));
        }
    }

    private static Set<Integer> trials(List<RequestRecord> records) {
        Set<Integer> trials = new HashSet<>();
        for (RequestRecord r : records) trials.add(r.trial());
        return trials;
    }
}
