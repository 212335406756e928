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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A replay under load that dies (SIGKILL while 200 agents stream) or whose disk fills up, then resumes: no completed
 * request is lost or recorded twice, and the resumed window counts each request once.
 */
@Tag("slow")
class KillAndResumeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Reply PACED = Reply.stream().withFirstTokenDelay(Duration.ofMillis(20))
            .withInterval(Duration.ofMillis(10));

    @TempDir
    Path tmp;

    /** Twenty sessions of 4 to 9 turns with 200 ms of tool time. */
    private Path trajectories() {
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            for (int k = 0; k < 4 + i % 6; k++) {
                int reused = k == 0 ? 0 : 300 + 100 * (k - 1) + 8;
                turns.add(new Turn("k" + i, k, "go", 300 + 100 * k, reused, "sys", 64, 8, 200, List.of()));
            }
        }
        Path file = tmp.resolve("turns.parquet");
        Trajectories.write(Trajectories.table(turns), file);
        return file;
    }

    private static Map<String, Long> timesRecorded(List<RequestRecord> records) {
        return records.stream().collect(Collectors.groupingBy(RequestRecord::requestId, Collectors.counting()));
    }

    @Test
    void aReplayKilledWhile200AgentsStreamLosesAndDoublesNothing() throws Exception {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false)) {
            Path dir = tmp.resolve("killed");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "io.agentload.cli.Main", "replay", "--endpoint", server.baseUrl(), "--model", "fake",
                    "--agents", "200", "--duration", "6s", "--trajectories", trajectories().toString(),
                    "-o", dir.toString(), "--no-progress")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
            List<RequestRecord> seen = List.of();
            int streaming = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            // kill at a moment the server is writing many streams, not merely after 600 records: on a loaded machine
            // the client falls behind and fewer of its 200 agents stream at any one time
            while ((seen.size() < 600 || (streaming = server.answering()) < 30) && child.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(seen.size() < 600 ? 50 : 2);
                if (seen.size() < 600 && Files.exists(dir.resolve("run.json"))) seen = Run.open(dir).records();
            }
            int requestsBeforeKill = server.requests();
            child.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no flush
            assertTrue(seen.size() >= 600, "the child recorded requests: " + Files.readString(tmp.resolve("child.log")));
            assertTrue(streaming >= 30, "killed with streams in flight: " + streaming + " being answered, "
                    + requestsBeforeKill + " requests sent, " + seen.size() + " recorded before");

            List<RequestRecord> kept = Run.open(dir).records();
            assertTrue(new HashSet<>(kept).containsAll(seen), "every record seen before the kill is kept");
            assertTrue(kept.size() < requestsBeforeKill, "the streams cut by the kill left no record: " + kept.size()
                    + " of " + requestsBeforeKill);
            assertTrue(timesRecorded(kept).values().stream().allMatch(n -> n == 1), "none twice");

            CliRunner r = CliRunner.run("replay", "--resume", dir.toString(), "--no-progress", "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode s = JSON.readTree(r.out());
            assertEquals(1, s.get("trial").asInt(), "a new trial replaces the cut one");
            List<RequestRecord> all = Run.open(dir).records();
            assertTrue(new HashSet<>(all).containsAll(kept), "resuming keeps the killed trial's requests");
            assertTrue(timesRecorded(all).values().stream().allMatch(n -> n == 1), "none twice after resuming");
            assertEquals(all.size(), s.get("requests_by_status").properties().stream()
                    .mapToLong(e -> e.getValue().asLong()).sum(), "the summary counts every request of the run once");
            List<RequestRecord> window = all.stream().filter(q -> q.trial() == 1 && q.measured()).toList();
            assertEquals(window.size(), s.get("measured_requests").asInt(), "the window counts its own requests once");
            assertEquals(window.stream().filter(q -> !q.answered()).count(), s.get("failed_measured_requests").asLong(),
                    "failed: not answered (a cut_at_grace request is judged on what it received)");
            assertEquals(Set.of(1), new HashSet<>(Run.open(dir).readTable("trials.parquet").intColumn("trial").asList()));
        }
    }

    @Test
    void aDiskThatFillsUpStopsTheRunNamingTheFileAndKeepsWhatWasWritten() throws Exception {
        Path small = Files.createDirectory(tmp.resolve("small"));
        assumeTrue(mount("mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", small.toString()),
                "needs to mount a small tmpfs (root)");
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, true)) {
            Path dir = small.resolve("run");
            CliRunner r = CliRunner.run("replay", "--endpoint", server.baseUrl(), "--model", "fake", "--agents", "50",
                    "--duration", "60s", "--trajectories", trajectories().toString(), "-o", dir.toString(),
                    "--no-progress");
            assertEquals(1, r.exitCode(), r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("agentload replay: trial 0 stopped: cannot append to the request journal "
                    + dir.resolve("requests") + "/part-"), r.err());
            assertTrue(r.err().strip().endsWith(".journal: No space left on device"), r.err());

            List<RequestRecord> kept = Run.open(dir).records();
            Set<String> sent = server.received().stream().map(q -> q.header("x-request-id")).collect(Collectors.toSet());
            assertTrue(sent.containsAll(timesRecorded(kept).keySet()), "records of requests the server saw");
            assertTrue(timesRecorded(kept).values().stream().allMatch(n -> n == 1), "none twice");
            assertTrue(kept.size() >= sent.size() - 50 - 1, "lost at most the requests in flight when the disk "
                    + "filled up and the one it could not write: " + kept.size() + " of " + sent.size());

            assertTrue(mount("mount", "-o", "remount,size=64m", small.toString()), "room again");
            CliRunner resumed = CliRunner.run("replay", "--resume", dir.toString(), "--no-progress", "--json",
                    "--cool-down-grace", "5s");
            assertEquals(0, resumed.exitCode(), resumed.err());
            List<RequestRecord> all = Run.open(dir).records();
            assertTrue(new HashSet<>(all).containsAll(kept), "resuming keeps what was written before the disk filled up");
            assertTrue(timesRecorded(all).values().stream().allMatch(n -> n == 1), "none twice after resuming");
        } finally {
            mount("umount", small.toString());
        }
    }

    /** Runs a mount command; false when it fails (not root, no tmpfs). */
    private static boolean mount(String... command) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
