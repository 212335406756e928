package io.agentload.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.endpoint.Endpoint;
import io.agentload.endpoint.TestEndpoints;
import io.agentload.sim.EngineConfig;
import io.agentload.sim.SimServer;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real-time replay end to end against the simulated OpenAI-compatible server on loopback. */
class ReplaySimServerTest {

    /** One replica of Llama 3.1 8B on an H100: fast, and every turn of a session meets its own cache. */
    static final EngineConfig ONE_H100 = EngineConfig.of("h100x8", "llama-3.1-8b").withReplicas(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Sessions of 8 turns from 2K-4K tokens growing by 300-900 per turn, 10-60 output tokens, 100 ms of tools. */
    static List<Session> sessions(int count, long seed) {
        Random random = new Random(seed);
        List<Session> sessions = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<Turn> turns = new ArrayList<>();
            int input = 2_000 + random.nextInt(2_000), reused = 0;
            for (int k = 0; k < 8; k++) {
                int output = 10 + random.nextInt(50);
                turns.add(new Turn("e" + s, k, "python", input, reused, "harness", 1_000, output, 100, List.of()));
                reused = input + output;
                input = reused + 300 + random.nextInt(600);
            }
            sessions.add(new Session("e" + s, "python", turns));
        }
        return sessions;
    }

    @Test
    void recordsAgreeWithTheServersLogReusePrefixesAndKeepNoSecret() throws IOException {
        Path log = tmp.resolve("first-token.jsonl");
        String key = "sk-e2e-7c1d2a9f0b3e4d5c6a7b";
        List<Session> sessions = sessions(12, 3);
        try (SimServer server = SimServer.builder(ONE_H100).port(0).firstTokenLog(log).build().start();
             Endpoint endpoint = TestEndpoints.withKey(server.baseUrl(), server.modelName(), "SIM_KEY", key)) {
            Path dir = tmp.resolve("run");
            ReplayResult result = Replay.against(endpoint).withSessions(sessions).withAgents(12).withWindow(Duration.ofSeconds(3))
                    .withWarmUp(Duration.ZERO, Duration.ofSeconds(20)).run(dir);
            server.close();

            List<RequestRecord> records = Run.open(dir).records();
            assertEquals(Map.of("ok", records.stream().filter(RequestRecord::ok).count()),
                    Sessions.withoutCoolDownCuts(result.requestsByStatus(), records));
            Map<String, JsonNode> lines = new HashMap<>();
            for (String line : Files.readAllLines(log)) {
                JsonNode n = JSON.readTree(line);
                lines.put(n.get("id").asText(), n);
            }
            List<RequestRecord> ok = records.stream().filter(RequestRecord::ok).toList(); // not the cut cool-down ones
            double[] ttftDiffMs = new double[ok.size()];
            for (int i = 0; i < ok.size(); i++) {
                RequestRecord r = ok.get(i);
                JsonNode n = lines.get("cmpl-" + r.requestId());
                assertNotNull(n, "the server logged " + r.requestId());
                assertEquals(r.inputTokens(), n.get("prompt_tokens").asInt());
                assertEquals(r.cachedTokens(), n.get("cached_tokens").asInt());
                assertEquals(r.outputTokens(), n.get("output_tokens").asInt());
                double serverTtft = (n.get("first_token_us").asLong() - n.get("received_us").asLong()) / 1e6;
                ttftDiffMs[i] = (r.ttft() - serverTtft) * 1e3;
            }
            Arrays.sort(ttftDiffMs);
            double median = ttftDiffMs[ttftDiffMs.length / 2];
            // The client stamps its send before the server reads, the server its first token before the client can
            // read it: exact, whatever the threads' scheduling (the log's microseconds round by under 1 us each).
            assertTrue(ttftDiffMs[0] > -0.005, "the client's TTFT contains the server's: " + ttftDiffMs[0] + " ms");
            assertTrue(median < 5, "client TTFT minus the server's, median " + median + " ms");

            int checked = 0;
            Map<String, RequestRecord> byReplayTurn = new HashMap<>();
            for (RequestRecord r : records) byReplayTurn.put(r.agent() + "/" + r.salt() + "/" + r.turn(), r);
            for (RequestRecord r : ok) {
                RequestRecord previous = byReplayTurn.get(r.agent() + "/" + r.salt() + "/" + (r.turn() - 1));
                if (previous == null || previous.endTime() > r.sendTime()) continue;
                assertEquals(previous.inputTokens() / 16 * 16, r.cachedTokens(),
                        "the previous prompt's full blocks are cached, not its answer's: " + r);
                checked++;
            }
            assertTrue(checked >= 12, "consecutive turns checked: " + checked);
            assertTrue(result.trial().cachedTokenRatio() > 0.5, "cached ratio " + result.trial().cachedTokenRatio());

            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    assertFalse(bytes.contains(key) || bytes.contains("7c1d2a9f0b3e"), f + " holds the API key");
                }
            }
        }
    }

    @Test
    @Tag("slow")
    void theSearchFindsTheSimulatedSystemsCapacityInRealTime() throws IOException {
        List<Session> sessions = sessions(24, 5);
        try (SimServer server = SimServer.builder(ONE_H100.withMaxRunningSequences(2)).port(0).build().start();
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model(server.modelName()).noApiKey()
                     .build()) {
            Path dir = tmp.resolve("search");
            SloResult r = Replay.against(endpoint).withSessions(sessions).withTiers(SloTier.parse("20:1")).withWindow(Duration.ofMillis(1500))
                    .withWarmUp(Duration.ZERO, Duration.ofSeconds(3)).withMaxAgents(16).withGpus(1).search(dir);

            SloResult.TierResult tier = r.tiers().get(0);
            assertFalse(tier.capped(), "2 running sequences cannot serve 16 agents within 1 s of TTFT");
            assertTrue(tier.maxAgents() >= 2, "at least a couple of agents fit: " + tier.maxAgents());
            assertTrue(Double.isNaN(tier.agentsPerMegawatt()), "no power source, no Agents per MW");
            JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
            assertEquals(tier.maxAgents(), summary.get("tiers").get(0).get("max_agents").asInt());
            assertTrue(summary.get("tiers").get(0).get("agents_per_mw").isNull());
            assertTrue(Files.exists(dir.resolve("report.html")));
            List<Integer> agents = r.trials().stream().map(TrialMetrics::agents).sorted(Comparator.naturalOrder()).toList();
            assertEquals(agents.stream().distinct().toList(), agents, "no concurrency ran twice");
        }
    }
}
