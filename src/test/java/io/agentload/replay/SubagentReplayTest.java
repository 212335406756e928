package io.agentload.replay;

import io.agentload.endpoint.Endpoint;
import io.agentload.sim.EngineConfig;
import io.agentload.sim.SimServer;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.WorkloadShape;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay side of the agent's rhythm: subagents fork from their parent's turn and join before its next one, in
 * virtual and in real time; a compaction turn finds only the shared prefix cached; the run folder keeps the relation.
 */
class SubagentReplayTest {

    private static final TrialPlan PLAN = TrialPlan.defaults().withSeed(5).withWarmUpSeconds(0, 30)
            .withMeasurementSeconds(60);
    private static final EngineConfig ROOMY = EngineConfig.of("h200x8", "llama-3.1-8b").withTensorParallel(1)
            .withReplicas(1);

    @TempDir
    Path tmp;

    private static Turn turn(String session, int k, int input, int reused, int output, long toolMs, String parent,
                             int parentTurn, boolean compaction) {
        return new Turn(session, k, "go", input, reused, "harness", 2_000, output, toolMs, List.of(), parent,
                parentTurn, compaction);
    }

    /**
     * Parent sessions p0..p{n-1} of 4 turns whose turn 1 spawns two subagents, a (3 turns of long outputs) and b (2
     * turns), so the parent's short tool time after turn 1 ends long before they return.
     */
    private static List<Session> forkJoin(int parents) {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < parents; i++) {
            String p = "p" + i;
            sessions.add(new Session(p, "go", List.of(
                    turn(p, 0, 6_000, 0, 200, 50, "", -1, false),
                    turn(p, 1, 7_000, 6_200, 100, 10, "", -1, false),
                    turn(p, 2, 8_000, 7_100, 150, 50, "", -1, false),
                    turn(p, 3, 9_000, 8_150, 100, 50, "", -1, false))));
            String a = p + "a", b = p + "b";
            sessions.add(new Session(a, "go", List.of(
                    turn(a, 0, 3_000, 0, 400, 200, p, 1, false),
                    turn(a, 1, 3_800, 3_400, 400, 200, p, 1, false),
                    turn(a, 2, 4_600, 4_200, 400, 0, p, 1, false))));
            sessions.add(new Session(b, "go", List.of(
                    turn(b, 0, 2_500, 0, 300, 100, p, 1, false),
                    turn(b, 1, 3_000, 2_800, 300, 0, p, 1, false))));
        }
        return sessions;
    }

    /**
     * Every parent turn 2 is sent once its turn 1 has ended, its tool time passed and both subagents it spawned have
     * returned; each subagent starts when that turn 1 ends, under the parent's agent; returns how many joins it saw.
     */
    private static int checkForkJoin(List<RequestRecord> records, List<Session> sessions, boolean exactStart) {
        Map<String, Session> byId = sessions.stream().collect(Collectors.toMap(Session::sessionId, s -> s));
        Map<String, List<RequestRecord>> replays = records.stream().filter(r -> !r.status().equals("cut_at_end"))
                .collect(Collectors.groupingBy(r -> r.agent() + "/" + r.sessionId() + "/" + r.salt()));
        int joins = 0;
        for (List<RequestRecord> parent : replays.values()) {
            if (!parent.get(0).parentSessionId().isEmpty()) continue;
            RequestRecord fork = find(parent, 1), next = find(parent, 2);
            if (fork == null) continue;
            List<List<RequestRecord>> children = replays.values().stream()
                    .filter(c -> c.get(0).agent() == fork.agent() && c.get(0).parentSessionId().equals(fork.sessionId())
                            && find(c, 0) != null && find(c, 0).sendTime() >= fork.endTime()
                            && (next == null || find(c, 0).sendTime() < next.sendTime()))
                    .toList();
            for (List<RequestRecord> c : children) {
                RequestRecord first = find(c, 0);
                assertEquals(1, first.parentTurn(), first.toString());
                if (exactStart) assertEquals(fork.endTime(), first.sendTime(), 0, "starts as its parent's turn ends");
                else assertTrue(first.sendTime() - fork.endTime() < 0.5, "starts as its parent's turn ends: " + first);
            }
            if (next == null) continue;
            assertEquals(2, children.size(), "both subagents of " + fork + " ran before " + next);
            double joined = fork.endTime() + byId.get(fork.sessionId()).turns().get(1).toolTimeMs() / 1000.0;
            for (List<RequestRecord> c : children) {
                Session child = byId.get(c.get(0).sessionId());
                RequestRecord last = find(c, child.turns().size() - 1);
                assertTrue(last != null && last.endTime() <= next.sendTime(),
                        "the parent's next turn " + next + " waits for its subagent's last turn " + last);
                joined = Math.max(joined, last.endTime());
            }
            if (exactStart) assertEquals(joined, next.sendTime(), 1e-9, "sent as the last subagent returns");
            joins++;
        }
        return joins;
    }

    private static RequestRecord find(List<RequestRecord> replay, int turn) {
        return replay.stream().filter(r -> r.turn() == turn).min(Comparator.comparingDouble(RequestRecord::sendTime))
                .orElse(null);
    }

    @Test
    void subagentsForkAndJoinInVirtualTime() {
        List<Session> sessions = forkJoin(6);
        List<RequestRecord> records = new ArrayList<>();
        Trial t = VirtualTimeDriver.builder(ROOMY, sessions).plan(PLAN).build().run(0, 4, records::add);
        assertEquals(4, t.agents(), "N counts top-level agents");
        assertTrue(records.stream().allMatch(r -> r.agent() >= 0 && r.agent() < 4), "subagents work for their agent");
        assertTrue(records.stream().anyMatch(r -> !r.parentSessionId().isEmpty()), "subagents ran");
        assertTrue(records.stream().noneMatch(r -> r.parentSessionId().isEmpty() && r.sessionId().length() > 2),
                "no subagent session is taken as a top-level one");
        int joins = checkForkJoin(records, sessions, true);
        assertTrue(joins >= 10, "joins seen: " + joins);

        // Subagents run concurrently with their parent's wait and with each other: up to 3 requests of an agent at once.
        int most = 0;
        for (RequestRecord r : records) {
            long overlapping = records.stream().filter(o -> o.agent() == r.agent() && o.sendTime() <= r.sendTime()
                    && o.endTime() > r.sendTime()).count();
            most = (int) Math.max(most, overlapping);
        }
        assertEquals(2, most, "the two subagents overlap; the parent waits meanwhile");
    }

    @Test
    void subagentsForkAndJoinInRealTime() {
        List<Session> sessions = forkJoin(4);
        List<RequestRecord> records = new ArrayList<>();
        try (SimServer server = SimServer.builder(EngineConfig.of("h100x8", "llama-3.1-8b").withReplicas(1)).port(0)
                .build().start();
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model(server.modelName()).noApiKey()
                     .build()) {
            RealTimeDriver driver = RealTimeDriver.builder(endpoint, sessions)
                    .plan(TrialPlan.defaults().withSeed(2).withWarmUpSeconds(0, 2).withMeasurementSeconds(12))
                    .coolDownGrace(Duration.ofSeconds(5)).build();
            driver.run(0, 3, List.of(), records::add);
        }
        assertTrue(records.stream().anyMatch(r -> !r.parentSessionId().isEmpty()), "subagents ran");
        int joins = checkForkJoin(records, sessions, false);
        assertTrue(joins >= 2, "joins seen: " + joins);
    }

    @Test
    void cuttingAtTheVerdictKeepsTheVerdictsWhenAgentsHaveSubagentsInFlight() {
        List<Session> sessions = forkJoin(12);
        List<SloTier> tiers = SloTier.parse("20,60,100");
        TrialPlan plan = PLAN.withMeasurementSeconds(30);
        int cuts = 0;
        for (int agents : new int[] {16, 150, 300}) {
            Trial whole = VirtualTimeDriver.builder(ROOMY, sessions).plan(plan).cutAtVerdict(false).build()
                    .run(0, agents, tiers, r -> { });
            Trial cut = VirtualTimeDriver.builder(ROOMY, sessions).plan(plan).build().run(0, agents, tiers, r -> { });
            if (cut.cutAtVerdict()) cuts++;
            for (SloTier tier : tiers) {
                assertEquals(TrialMetrics.of(whole).check(tier).passed(), TrialMetrics.of(cut).check(tier).passed(),
                        agents + " agents, " + tier.label());
            }
        }
        assertTrue(cuts >= 1, "some trial was cut at its verdict");
    }

    @Test
    void theGeneratorsSubagentsReplay() {
        List<Session> sessions = Trajectories.sessions(Trajectories.generate(WorkloadShape.codingAgent()
                .withSubagents(WorkloadShape.Subagents.spawning(0.1)), 40, 3));
        assertTrue(sessions.stream().anyMatch(Session::subagent), "the generator spawned subagents");
        List<RequestRecord> records = new ArrayList<>();
        Trial t = VirtualTimeDriver.builder(EngineConfig.of("h200x8", "llama-3.1-8b"), sessions).plan(PLAN).build()
                .run(0, 16, records::add);
        assertEquals(16, t.agents());
        Map<String, List<RequestRecord>> replays = records.stream()
                .collect(Collectors.groupingBy(r -> r.agent() + "/" + r.sessionId() + "/" + r.salt()));
        int joins = 0;
        for (List<RequestRecord> child : replays.values()) {
            RequestRecord first = find(child, 0);
            if (first == null || first.parentSessionId().isEmpty()) continue;
            double returned = child.stream().mapToDouble(RequestRecord::endTime).max().orElseThrow();
            for (List<RequestRecord> parent : replays.values()) {
                RequestRecord fork = find(parent, first.parentTurn()), next = find(parent, first.parentTurn() + 1);
                if (parent.get(0).agent() != first.agent() || !parent.get(0).sessionId().equals(first.parentSessionId())
                        || fork == null || fork.endTime() != first.sendTime() || next == null) {
                    continue;
                }
                assertTrue(next.sendTime() >= returned, next + " waits for its subagent, returned at " + returned);
                joins++;
            }
        }
        assertTrue(joins > 0, "joins seen: " + joins);
    }

    @Test
    void aCompactionTurnFindsOnlyTheSharedPrefixCached() {
        String s = "c";
        Session session = new Session(s, "go", List.of(
                turn(s, 0, 12_000, 0, 300, 50, "", -1, false),
                turn(s, 1, 14_000, 12_300, 300, 50, "", -1, false),
                turn(s, 2, 4_000, 2_000, 300, 50, "", -1, true),
                turn(s, 3, 5_000, 4_300, 300, 50, "", -1, false)));
        List<RequestRecord> records = new ArrayList<>();
        VirtualTimeDriver.builder(ROOMY, List.of(session)).plan(PLAN).build().run(0, 1, records::add);
        int compactions = 0, after = 0;
        for (RequestRecord r : records) {
            if (r.turn() == 2) {
                assertEquals(2_000 / 16 * 16, r.cachedTokens(), "only the shared prefix: " + r);
                compactions++;
            } else if (r.turn() == 3) {
                assertTrue(r.cachedTokens() >= 4_300 - 32, "the summary's context grows again from there: " + r);
                after++;
            }
        }
        assertTrue(compactions >= 3 && after >= 3, compactions + " compactions, " + after + " turns after one");
    }

    @Test
    void theRunFolderKeepsTheSubagentRelation() {
        RequestRecord parent = RequestRecord.builder().trial(0, 3).turn("p0", 1, 7).endTime(1).build();
        RequestRecord child = RequestRecord.builder().trial(0, 3).turn("p0a", 0, 8).parent("p0", 1).endTime(2).build();
        Path file = tmp.resolve("requests.parquet");
        RequestsFile.write(file, List.of(parent, child), Map.of(), CompressionCodecName.ZSTD, false);
        List<RequestRecord> read = RequestsFile.read(file);
        assertEquals("", read.get(0).parentSessionId());
        assertEquals(-1, read.get(0).parentTurn());
        assertEquals("p0", read.get(1).parentSessionId());
        assertEquals(1, read.get(1).parentTurn());
        assertEquals(3, read.get(1).agent(), "a subagent's request is its agent's");
    }
}
