package io.agentload.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.endpoint.Endpoint;
import io.agentload.endpoint.EndpointException;
import io.agentload.endpoint.FakeOpenAiServer;
import io.agentload.endpoint.Reply;
import io.agentload.endpoint.TestEndpoints;
import io.agentload.power.Power;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayTest {

    static final Reply PACED = Reply.stream().withFirstTokenDelay(Duration.ofMillis(5)).withInterval(Duration.ofMillis(2));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** {@code count} sessions of 3 + i turns, 300 + 100 k input tokens, 4 + k output tokens, 30 ms of tool time. */
    static List<Session> sessions(int count) {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Turn> turns = new ArrayList<>();
            for (int k = 0; k < 3 + i; k++) {
                int reused = k == 0 ? 0 : 300 + 100 * (k - 1) + 4 + (k - 1);
                turns.add(new Turn("r" + i, k, "go", 300 + 100 * k, reused, "sys", 64, 4 + k, 30, List.of()));
            }
            sessions.add(new Session("r" + i, "go", turns));
        }
        return sessions;
    }

    static Replay replay(Endpoint endpoint) {
        return Replay.against(endpoint).withSessions(sessions(5)).withAgents(4).withWindow(Duration.ofMillis(800))
                .withWarmUp(Duration.ZERO, Duration.ofSeconds(5)).withSeed(9);
    }

    private static JsonNode summary(Path dir) throws IOException {
        return JSON.readTree(dir.resolve("summary.json").toFile());
    }

    @Test
    void theJavadocExampleRecordsARunFolder() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey().build()) {
            Path dir = tmp.resolve("run");
            ReplayResult r = Replay.against(endpoint).withSessions(sessions(5)).withAgents(4).withWindow(Duration.ofSeconds(1))
                    .run(dir);

            assertEquals(4, r.trial().agents());
            assertTrue(r.trial().ttft().p90() >= 0.005, r.trial().toString());
            assertEquals(1.0, r.trial().windowSeconds(), 1e-9);
            List<RequestRecord> records = Run.open(dir).records();
            assertEquals(Map.of("ok", records.stream().filter(RequestRecord::ok).count()),
                    Sessions.withoutCoolDownCuts(r.requestsByStatus(), records));
            assertTrue(r.power().isEmpty(), "no power source, no power figure");
            assertTrue(Double.isNaN(r.agentsPerMegawatt()));
            assertEquals(3, r.tiers().size());
            for (String f : List.of("run.json", "requests.parquet", "trials.parquet", "summary.json")) {
                assertTrue(Files.exists(dir.resolve(f)), f);
            }
            assertFalse(Files.exists(dir.resolve("power.parquet")));
            JsonNode s = summary(dir);
            assertEquals(4, s.get("agents").asInt());
            assertEquals(records.stream().filter(RequestRecord::ok).count(), s.get("requests_by_status").get("ok").asLong());
            assertTrue(s.get("mean_power_w").isNull() && s.get("agents_per_mw").isNull() && s.get("energy_j").isNull());
            assertEquals(r.trial().ttft().p90(), s.get("ttft_s").get("p90").asDouble(), 1e-12);
            assertEquals(r.sendLag().orElseThrow().sends(), s.get("send_lag_ms").get("sends").asLong());
            assertEquals(3, s.get("tiers").size());
            RunManifest.EndpointConfig config = (RunManifest.EndpointConfig) Run.open(dir).manifest().config();
            assertEquals("replay", config.mode());
            assertEquals("20:6:0.9,60:3:0.9,100:2:0.9", config.tiers());
            assertEquals(Replay.fingerprint(sessions(5)), config.sessionsFingerprint());
            assertEquals(1, Run.open(dir).readTable("trials.parquet").rowCount() / 3, "one trial judged by 3 tiers");
        }
    }

    @Test
    void faultsAreCountedByReasonAndTheRunGoesOn() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey()
                     .firstTokenTimeout(Duration.ofMillis(300)).build()) {
            server.enqueue(Reply.status(429, "{}"), Reply.status(503, "{}"), Reply.stream().cutAfter(1),
                    Reply.raw("data: [1,2\n\n"), Reply.stream().withoutUsage(), Reply.stall(), Reply.status(429, "{}"));
            Path dir = tmp.resolve("faults");
            ReplayResult r = replay(endpoint).run(dir);

            Map<String, Long> expected = new TreeMap<>(Map.of("http_429", 2L, "http_503", 1L, "stream_cut", 1L,
                    "malformed_sse", 1L, "missing_usage", 1L, "timeout", 1L));
            List<RequestRecord> records = Run.open(dir).records();
            long coolDownCuts = records.stream().filter(q -> q.status().equals(RequestRecord.CUT_AT_END)).count();
            Map<String, Long> faults = Sessions.withoutCoolDownCuts(r.requestsByStatus(), records);
            long ok = faults.remove("ok");
            assertEquals(expected, faults, "the faults, beside requests of the cool-down cut at the trial's end");
            assertEquals(7 + coolDownCuts, r.failedRequests());
            assertTrue(ok > 20, "the run went on: " + ok + " ok");
            assertEquals(records.size(), ok + 7 + coolDownCuts);
            JsonNode byStatus = summary(dir).get("requests_by_status");
            expected.forEach((status, n) -> assertEquals(n, byStatus.get(status).asLong(), status));
        }
    }

    @Test
    void aStatedPowerGivesMeanPowerEnergyCoverageAndAgentsPerMegawatt() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey().build()) {
            Path dir = tmp.resolve("power");
            ReplayResult r = replay(endpoint).withPower(Power.source("constant=2000:node")).run(dir);

            assertEquals(2000, r.power().orElseThrow().meanWatts(), 1e-9);
            assertEquals(2000 * r.trial().windowSeconds(), r.power().get().energyJoules(), 1e-6);
            assertTrue(r.power().get().coverage() > 0.99, "polled every 200 ms: " + r.power().get().coverage());
            assertEquals(4 / 0.002, r.agentsPerMegawatt(), 1e-6);
            JsonNode s = summary(dir);
            assertEquals(2000, s.get("mean_power_w").asDouble(), 1e-9);
            assertEquals("node, stated (constant)", s.get("power_boundary").asText());
            assertEquals("node, stated as a constant", s.get("power_basis").asText());
            assertEquals(2000, Power.read(dir.resolve("power.parquet")).summary(r.trial().windowStart(),
                    r.trial().windowEnd()).meanWatts(), 1e-9);
        }
    }

    @Test
    void theApiKeyReachesNoFileOfTheRunFolder() throws IOException {
        String key = "sk-live-4f6a1c9e2b7d8e0f3a5c";
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, true);
             Endpoint endpoint = TestEndpoints.withKey(server.baseUrl(), "fake", "MY_KEY", key)) {
            server.enqueue(Reply.status(401, "{\"error\":\"key " + key + " is revoked\"}"));
            Path dir = tmp.resolve("secret");
            replay(endpoint).run(dir);

            assertEquals("Bearer " + key, server.received().get(0).header("authorization"), "the key was sent");
            assertEquals("MY_KEY", ((RunManifest.HttpEndpoint) Run.open(dir).manifest().endpoint()).apiKeyEnv());
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    assertFalse(bytes.contains(key) || bytes.contains("4f6a1c9e2b7d"), f + " holds the key");
                }
            }
            assertTrue(Run.open(dir).records().stream().anyMatch(rec -> rec.errorDetail().contains("[redacted]")));
        }
    }

    @Test
    void aModelTheEndpointDoesNotServeStopsTheRunBeforeItsFolderIsMade() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake-typo").noApiKey().build()) {
            Path dir = tmp.resolve("never");
            EndpointException run = assertThrows(EndpointException.class, () -> replay(endpoint).run(dir));
            assertTrue(run.getMessage().endsWith("/v1/models: the server serves [fake], not 'fake-typo'; name one of "
                    + "those as the model"), run.getMessage());
            assertThrows(EndpointException.class, () -> replay(endpoint).search(dir));
            assertFalse(Files.exists(dir), "nothing recorded");
            assertEquals(0, server.requests(), "no completion was sent");
        }
    }

    @Test
    void aFinishedReplayResumesToItsSummaryAndAnotherSettingIsRefused() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey().build()) {
            Path dir = tmp.resolve("finished");
            ReplayResult first = replay(endpoint).run(dir);
            Files.delete(dir.resolve("summary.json"));
            int requests = Run.open(dir).records().size();

            ReplayResult again = replay(endpoint).resume(dir);
            assertEquals(first.trial().measuredRequests(), again.trial().measuredRequests());
            assertEquals(first.trial().ttft(), again.trial().ttft());
            assertEquals(requests, Run.open(dir).records().size(), "nothing was sent again");
            assertTrue(again.sendLag().isEmpty());
            assertTrue(Files.exists(dir.resolve("summary.json")));

            ReplayException other = assertThrows(ReplayException.class, () -> replay(endpoint).withAgents(5).resume(dir));
            assertEquals(dir.resolve("run.json") + ": config.agents is 4, this run's is 5; resume with the same "
                    + "settings (or start a new run folder)", other.getMessage());
            ReplayException trajectories = assertThrows(ReplayException.class,
                    () -> replay(endpoint).withSessions(sessions(4)).resume(dir));
            assertTrue(trajectories.getMessage().contains("config.sessions is 5, this run's is 4"), trajectories.getMessage());

            Files.delete(dir.resolve("summary.json"));
            ReplayResult fromFolder = Replay.fromRun(dir, endpoint).resume(dir);
            assertEquals(first.trial().ttft(), fromFolder.trial().ttft(), "sessions given in code resume from the folder");
            assertEquals(requests, Run.open(dir).records().size(), "nothing was sent again");
            Files.delete(dir.resolve("sessions.parquet"));
            ReplayException gone = assertThrows(ReplayException.class, () -> Replay.fromRun(dir, endpoint));
            assertEquals(dir.resolve("run.json") + ": the run replayed sessions given in code, and "
                    + dir.resolve("sessions.parquet") + " is gone; resume it with Replay.against(endpoint).withSessions(...) "
                    + "and the same settings", gone.getMessage());
        }
    }

    @Test
    void theSearchRunsInRealTimeWithTheSimulatedBenchmarksOutputs() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, false);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey().build()) {
            Path dir = tmp.resolve("bench");
            List<Integer> trials = new ArrayList<>();
            SloResult r = replay(endpoint).withTiers(SloTier.parse("20:0.05")).withMaxAgents(4).withGpus(2).withPower(Power.source("constant=500:gpu"))
                    .withTrialListener(m -> trials.add(m.agents())).search(dir);

            assertEquals(List.of(1, 2, 4), trials, "a fast server passes every trial up to the cap");
            assertEquals(4, r.tiers().get(0).maxAgents());
            assertTrue(r.tiers().get(0).capped());
            assertEquals(2, r.tiers().get(0).agentsPerGpu(), 1e-12);
            assertEquals(4 / 0.0005, r.tiers().get(0).agentsPerMegawatt(), 1e-6);
            JsonNode s = summary(dir);
            JsonNode tier = s.get("tiers").get(0);
            assertEquals(4, tier.get("max_agents").asInt());
            assertEquals("gpu, stated (constant)", tier.get("power_boundary").asText());
            assertTrue(tier.get("power_coverage").asDouble() > 0.99);
            assertEquals(500 * r.trials().get(2).windowSeconds(), tier.get("energy_j").asDouble(), 1e-6);
            List<RequestRecord> all = Run.open(dir).records();
            assertEquals(Map.of("ok", all.stream().filter(RequestRecord::ok).count()),
                    Sessions.withoutCoolDownCuts(ReplayResult.byStatus(all), all));
            assertEquals(all.stream().filter(RequestRecord::ok).count(), s.get("requests_by_status").get("ok").asLong());
            assertTrue(s.get("send_lag_ms").get("sends").asLong() > 0);
            for (String f : List.of("run.json", "requests.parquet", "trials.parquet", "power.parquet", "summary.json",
                    "report.html")) {
                assertTrue(Files.exists(dir.resolve(f)), f);
            }
            assertEquals(Map.of(0, 1, 1, 2, 2, 4), Run.open(dir).records().stream().collect(Collectors.toMap(
                    RequestRecord::trial, RequestRecord::agent, Math::max)).entrySet().stream().collect(
                    Collectors.toMap(Map.Entry::getKey, e -> e.getValue() + 1)));
        }
    }
}
