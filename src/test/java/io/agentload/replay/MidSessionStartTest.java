package io.agentload.replay;

import io.agentload.endpoint.Endpoint;
import io.agentload.sim.EngineConfig;
import io.agentload.sim.SimServer;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agents start mid-session with the cache a running fleet would hold: each agent's first request finds its context
 * cached, in virtual time and against {@code agentload serve}, and the warm-up no longer waits for the slowest first
 * turn.
 */
class MidSessionStartTest {

    private static final EngineConfig ROOMY = EngineConfig.of("h200x8", "llama-3.1-8b").withTensorParallel(1)
            .withReplicas(1);

    /**
     * Sessions of 6 turns from 20K tokens growing by 2K; in every third session turn 3 writes 6,000 tokens, a long
     * first turn for whichever agent starts there.
     */
    private static List<Session> sessions(int count) {
        List<Session> sessions = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<Turn> turns = new ArrayList<>();
            int input = 20_000, reused = 0;
            for (int k = 0; k < 6; k++) {
                int output = s % 3 == 0 && k == 3 ? 6_000 : 100;
                turns.add(new Turn("m" + s, k, "go", input, reused, "harness", 2_000, output, 500, List.of()));
                reused = input + output;
                input = reused + 2_000;
            }
            sessions.add(new Session("m" + s, "go", turns));
        }
        return sessions;
    }

    private static final List<Session> SESSIONS = sessions(30);

    private static Turn turnOf(RequestRecord r) {
        return SESSIONS.get(Integer.parseInt(r.sessionId().substring(1))).turns().get(r.turn());
    }

    private static Map<Integer, RequestRecord> firstOfEachAgent(List<RequestRecord> records) {
        Map<Integer, RequestRecord> first = new HashMap<>();
        for (RequestRecord r : records) first.merge(r.agent(), r, (a, b) -> a.sendTime() <= b.sendTime() ? a : b);
        return first;
    }

    private static Trial trial(boolean prime, List<RequestRecord> records) {
        TrialPlan plan = TrialPlan.defaults().withSeed(7).withMeasurementSeconds(30);
        return VirtualTimeDriver.builder(ROOMY, SESSIONS).plan(plan).primeCache(prime).build().run(0, 24, records::add);
    }

    @Test
    void aPrimedAgentsFirstTurnFindsItsContextCached() {
        List<RequestRecord> primed = new ArrayList<>(), cold = new ArrayList<>();
        trial(true, primed);
        trial(false, cold);
        int mid = 0;
        for (RequestRecord r : firstOfEachAgent(primed).values()) {
            Turn t = turnOf(r);
            int expected = (t.turn() == 0 ? t.sharedPrefixTokens() : t.reusedTokens()) / 16 * 16;
            assertEquals(expected, r.cachedTokens(), "primed: " + r);
            if (t.turn() > 0) mid++;
        }
        assertTrue(mid >= 10, "agents starting mid-session: " + mid);
        for (RequestRecord r : firstOfEachAgent(cold).values()) {
            assertTrue(r.cachedTokens() <= turnOf(r).sharedPrefixTokens(), "unprimed, only the shared prefix: " + r);
        }
    }

    @Test
    void thePrimedWarmUpDoesNotWaitForTheSlowestFirstTurn() {
        List<RequestRecord> primedRecords = new ArrayList<>(), coldRecords = new ArrayList<>();
        Trial primed = trial(true, primedRecords), cold = trial(false, coldRecords);
        assertFalse(primed.warmUpCut());
        double slowestFirst = firstOfEachAgent(coldRecords).values().stream().mapToDouble(RequestRecord::endTime)
                .max().orElseThrow();
        assertTrue(cold.windowStart() >= slowestFirst, "unprimed, the slowest first turn decides");
        double longFirst = firstOfEachAgent(primedRecords).values().stream().mapToDouble(RequestRecord::endTime)
                .max().orElseThrow();
        assertTrue(primed.windowStart() < longFirst, "primed, the window opens at " + primed.windowStart()
                + " s, before the slowest first turn ends at " + longFirst + " s");
        assertTrue(primed.windowStart() < cold.windowStart() / 2, primed.windowStart() + " s against "
                + cold.windowStart() + " s");
    }

    @Test
    void pastCapacityThePrimedWarmUpEndsOnceTheTargetIsBehindItsFirstBurst() {
        // 300 contexts of 20-32K tokens on one H200 replica: far past what its KV cache holds, so first requests queue
        // behind re-prefills. A tier no request can miss by then (600 s TTFT) leaves the warm-up to the half rule.
        TrialPlan plan = TrialPlan.defaults().withSeed(7).withMeasurementSeconds(30);
        VirtualTimeDriver.Builder driver = VirtualTimeDriver.builder(ROOMY, SESSIONS).plan(plan).cutAtVerdict(false);
        Trial behind = driver.build().run(0, 300, r -> { });
        Trial half = driver.tiers(List.of(new SloTier(1, 600))).build().run(0, 300, r -> { });

        long finishedBefore = behind.records().stream().filter(r -> r.endTime() <= behind.windowStart())
                .mapToInt(RequestRecord::agent).distinct().count();
        assertTrue(finishedBefore < 150, finishedBefore + " first turns ended before the window opened");
        assertTrue(behind.windowStart() < 15, "window opened at " + behind.windowStart() + " s");
        assertTrue(half.windowStart() > 2 * behind.windowStart(), "by the half rule at " + half.windowStart() + " s");
        for (SloTier tier : SloTier.defaults()) {
            assertFalse(TrialMetrics.of(behind).check(tier).passed(), tier + " fails either way");
            assertFalse(TrialMetrics.of(half).check(tier).passed(), tier + " fails either way");
        }
    }

    @Test
    void withinCapacityThePrimedWarmUpStillWaitsForHalfOfTheAgents() {
        List<RequestRecord> records = new ArrayList<>();
        TrialPlan plan = TrialPlan.defaults().withSeed(7).withMeasurementSeconds(30);
        VirtualTimeDriver.Builder driver = VirtualTimeDriver.builder(ROOMY, SESSIONS).plan(plan);
        Trial judged = driver.build().run(0, 24, records::add);
        Trial half = driver.tiers(List.of(new SloTier(1, 600))).build().run(0, 24, r -> { });
        assertEquals(half.windowStart(), judged.windowStart(), 0);
        long before = records.stream().filter(r -> r.endTime() < judged.windowStart()).mapToInt(RequestRecord::agent)
                .distinct().count();
        long by = records.stream().filter(r -> r.endTime() <= judged.windowStart()).mapToInt(RequestRecord::agent)
                .distinct().count();
        assertTrue(before < 12 && by >= 12, "the window opens as the twelfth of 24 agents finishes a turn: " + before
                + " finished before, " + by + " by then (one engine step ends several)");
    }

    @Test
    void agentloadServeIsPrimedInRealTime() {
        List<RequestRecord> records = new ArrayList<>();
        try (SimServer server = SimServer.builder(EngineConfig.of("h100x8", "llama-3.1-8b").withReplicas(1)).port(0)
                .build().start();
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model(server.modelName()).noApiKey()
                     .build()) {
            assertTrue(endpoint.simulated(), "agentload serve names itself in /v1/models");
            RealTimeDriver.builder(endpoint, SESSIONS).primeCache(true)
                    .plan(TrialPlan.defaults().withSeed(3).withWarmUpSeconds(0, 2).withMeasurementSeconds(1))
                    .coolDownGrace(Duration.ofSeconds(3)).build().run(0, 6, List.of(), records::add);
        }
        for (RequestRecord r : firstOfEachAgent(records).values()) {
            if (!r.ok()) continue;
            Turn t = turnOf(r);
            assertEquals((t.turn() == 0 ? t.sharedPrefixTokens() : t.reusedTokens()) / 16 * 16, r.cachedTokens(),
                    r.toString());
        }
    }
}
