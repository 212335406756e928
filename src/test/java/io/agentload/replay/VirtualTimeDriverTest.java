package io.agentload.replay;

import io.agentload.power.Boundary;
import io.agentload.power.PowerSamples;
import io.agentload.sim.Engine;
import io.agentload.sim.EngineConfig;
import io.agentload.sim.SimLoop;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Agents on the simulator in virtual time: record shape, token conservation, determinism, power, phases. */
class VirtualTimeDriverTest {

    /** Agentic sessions: 12-20K-token first prompts growing by 500-3,000 tokens a turn, 1-8 s of tool time. */
    private static final List<Session> SESSIONS = SimLoop.agenticSessions(30, 12, 5);
    private static final TrialPlan PLAN = TrialPlan.defaults().withSeed(3).withMeasurementSeconds(60);
    /** One H200 serving Llama 3.1 8B: room for every agent's context, so nothing is preempted. */
    private static final EngineConfig ROOMY = EngineConfig.of("h200x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1);

    private static VirtualTimeDriver driver(EngineConfig engine, TrialPlan plan) {
        return VirtualTimeDriver.builder(engine, SESSIONS).plan(plan).build();
    }

    private static Turn turnOf(RequestRecord r) {
        return SESSIONS.get(Integer.parseInt(r.sessionId().substring(1))).turns().get(r.turn());
    }

    @Test
    void theJavadocExampleRuns() {
        List<Session> sessions = SESSIONS;
        VirtualTimeDriver driver = VirtualTimeDriver.builder(EngineConfig.of("h200x8", "llama-3.1-70b"), sessions).build();
        Trial trial = driver.run(0, 64, record -> { });
        assertEquals(64, trial.agents());
        assertEquals(600, trial.windowSeconds(), 1e-9, "TrialPlan's default window (ten minutes) unless a plan is given");
        assertTrue(trial.power().isPresent() && trial.power().orElseThrow().boundary().startsWith("node, modelled"));
    }

    @Test
    void recordsHaveTheShapeOfARealRun() {
        Trial t = driver(ROOMY, PLAN).run(0, 12, r -> { });
        assertFalse(t.warmUpCut());
        assertTrue(t.measured().size() > 50, "measured " + t.measured().size());
        for (RequestRecord r : t.records()) {
            Turn turn = turnOf(r);
            assertTrue(r.ok(), r.toString());
            assertEquals(turn.inputTokens(), r.inputTokens());
            assertEquals(turn.outputTokens(), r.outputTokens());
            assertEquals(r.firstTokenTime(), r.firstByteTime(), 0, "the first streamed chunk carries the first token");
            assertEquals(0, r.uploadTime(), 0, "the simulator has the prompt as it is sent");
            assertTrue(r.sendTime() < r.firstTokenTime() && r.firstTokenTime() <= r.lastTokenTime(), r.toString());
            assertEquals(r.lastTokenTime(), r.endTime(), 0);
            assertEquals(r.outputTokens() - 1, r.interTokenLatencyCount(), "one gap per decode step: " + r);
            double gaps = 0;
            for (float g : r.interTokenLatencies()) gaps += g;
            assertEquals(r.generationTime(), gaps, 1e-5 * Math.max(1, r.outputTokens()), r.toString());
            assertEquals(0, r.cachedTokens() % Engine.BLOCK_TOKENS, "cache hits count whole blocks: " + r);
            assertTrue(r.cachedTokens() < r.inputTokens(), r.toString());
            if (turn.reusedTokens() > 0) {
                // Prompt and output of the previous turn were cached (for an agent's first request, primed as a fleet
                // mid-session has them): all but its last, partial, blocks are hits.
                assertTrue(r.cachedTokens() >= turn.reusedTokens() - 2 * Engine.BLOCK_TOKENS, r + " reused "
                        + turn.reusedTokens());
            } else {
                // A session's first turn is cold: it finds only the harness' shared prefix.
                assertTrue(r.cachedTokens() <= turn.sharedPrefixTokens(), r.toString());
            }
        }
    }

    @Test
    void everyInputAndOutputTokenIsProcessedOnce() {
        VirtualTimeDriver driver = driver(ROOMY, PLAN);
        Trial t = driver.run(0, 12, r -> { });
        List<Engine.Usage> cutOff = new ArrayList<>();
        Engine engine = driver.lastEngine();
        engine.drain(driver.clock(), new Engine.Listener() {
            @Override
            public void finished(Engine.Request request, Engine.Usage usage, double time) {
                cutOff.add(usage);
            }
        });
        Engine.Counters c = engine.counters();
        long prompts = 0, cached = 0, outputs = 0;
        for (RequestRecord r : t.records()) {
            prompts += r.inputTokens();
            cached += r.cachedTokens();
            outputs += r.outputTokens();
        }
        for (Engine.Usage u : cutOff) {
            prompts += u.promptTokens();
            cached += u.cachedTokens();
            outputs += u.outputTokens();
        }
        assertEquals(0, c.preemptions(), "room for every context");
        assertEquals(c.submittedRequests(), t.records().size() + cutOff.size());
        assertEquals(c.submittedRequests(), c.finishedRequests());
        assertEquals(outputs, c.outputTokens(), "every output token emitted once");
        assertEquals(cached, c.cacheHitTokens(), "cache hits as reported in usage");
        assertEquals(prompts, c.prefilledTokens() + c.cacheHitTokens(), "every prompt token prefilled or hit, once");
        assertTrue(cached > 0.8 * prompts, "agentic traffic is mostly cache hits: " + cached + " of " + prompts);
    }

    @Test
    void preemptedRequestsAreRecomputedButStillEmitEachTokenOnce() {
        EngineConfig tight = ROOMY.withMemoryUtilisation(0.25);   // about 180K tokens of KV for 24 agents of 20-50K
        VirtualTimeDriver driver = driver(tight, PLAN);
        Trial t = driver.run(0, 24, r -> { });
        long[] cut = new long[2];
        Engine engine = driver.lastEngine();
        engine.drain(driver.clock(), new Engine.Listener() {
            @Override
            public void finished(Engine.Request request, Engine.Usage usage, double time) {
                cut[0] += usage.promptTokens();
                cut[1] += usage.outputTokens();
            }
        });
        Engine.Counters c = engine.counters();
        long prompts = cut[0] + t.records().stream().mapToLong(RequestRecord::inputTokens).sum();
        long outputs = cut[1] + t.records().stream().mapToLong(RequestRecord::outputTokens).sum();
        assertTrue(c.preemptions() > 0, "the cache is too small for every context");
        assertEquals(outputs, c.outputTokens());
        assertTrue(c.prefilledTokens() + c.cacheHitTokens() > prompts, "preempted work is computed again");
    }

    @Test
    void theSameSeedGivesTheSameTrialAndAnotherSeedAnother() {
        Trial a = driver(ROOMY, PLAN).run(0, 8, r -> { });
        Trial b = driver(ROOMY, PLAN).run(0, 8, r -> { });
        Trial c = driver(ROOMY, PLAN.withSeed(4)).run(0, 8, r -> { });
        assertEquals(a, b);
        assertNotEquals(a.records(), c.records());
    }

    @Test
    void modelledPowerIsTheEnginesEnergyAtBothBoundaries() {
        VirtualTimeDriver driver = driver(ROOMY, PLAN);
        Trial t = driver.run(0, 8, r -> { });
        Engine.Counters c = driver.lastEngine().counters();
        PowerSamples power = driver.power();
        double end = driver.clock();
        assertEquals(c.time(), end, 0);
        assertEquals(c.gpuEnergyJoules(), power.summary(0, end, Boundary.GPU).energyJoules(), 1e-6 * c.gpuEnergyJoules());
        assertEquals(c.systemEnergyJoules(), power.summary(0, end, Boundary.NODE).energyJoules(),
                1e-6 * c.systemEnergyJoules());
        assertEquals(1.0, power.summary(0, end).coverage(), 1e-12);

        assertEquals("node, modelled (simulator)", t.power().orElseThrow().boundary());
        assertEquals(power.summary(t.windowStart(), t.windowEnd(), Boundary.NODE).meanWatts(), t.power().orElseThrow().meanWatts(), 0);
        // One busy H200 of eight plus the rest of the node: well above eight idle GPUs, below the node's maximum.
        assertTrue(t.power().orElseThrow().meanWatts() > 8 * 122 + 2300 && t.power().orElseThrow().meanWatts() < 10_200, t.power().toString());

        Trial gpu = VirtualTimeDriver.builder(ROOMY, SESSIONS).plan(PLAN).powerBoundary(Boundary.GPU).build()
                .run(0, 8, r -> { });
        assertEquals("gpu, modelled (simulator)", gpu.power().orElseThrow().boundary());
        assertEquals(power.summary(t.windowStart(), t.windowEnd(), Boundary.GPU).meanWatts(), gpu.power().orElseThrow().meanWatts(), 0);
    }

    @Test
    void aRackScaleSystemReportsRackPower() {
        EngineConfig rack = EngineConfig.of("gb200-nvl72", "llama-3.1-8b").withReplicas(2);
        VirtualTimeDriver driver = driver(rack, PLAN.withMeasurementSeconds(20));
        Trial t = driver.run(0, 2, r -> { });
        assertEquals(Boundary.RACK, driver.powerBoundary());
        assertEquals("rack, modelled (simulator)", t.power().orElseThrow().boundary());
        assertEquals(Set.of(Boundary.GPU, Boundary.RACK), driver.power().boundaries());
        assertThrows(IllegalArgumentException.class,
                () -> VirtualTimeDriver.builder(rack, SESSIONS).powerBoundary(Boundary.NODE).build());
    }

    @Test
    void aTrialDependsOnItsNumberAndAgentsNotOnTheTrialsBeforeIt() {
        VirtualTimeDriver driver = driver(ROOMY, PLAN);
        driver.run(0, 4, r -> { });
        double offset = driver.clock();
        List<RequestRecord> sunk = new ArrayList<>();
        Trial second = driver.run(1, 6, sunk::add);
        Trial apart = driver(ROOMY, PLAN).computeApart(1, 6).trial();
        assertEquals(0, apart.startTime(), 0);
        assertEquals(second, apart.shifted(offset), "the same trial, moved to where the first one ended");
        assertEquals(second.records(), sunk, "the sink gets the placed records, in completion order");
    }

    @Test
    void trialsFollowOneAnotherOnOneClockWithAFreshCache() {
        VirtualTimeDriver driver = VirtualTimeDriver.builder(ROOMY, SESSIONS).plan(PLAN).primeCache(false).build();
        Trial first = driver.run(0, 4, r -> { });
        double afterFirst = driver.clock();
        Trial second = driver.run(1, 4, r -> { });
        assertTrue(afterFirst >= first.endTime());
        assertEquals(afterFirst, second.startTime(), 0);
        assertEquals(1.0, driver.power().summary(0, driver.clock(), Boundary.GPU).coverage(), 1e-12);
        // Unprimed, the second trial's first requests are cold: each agent's first prompt finds at most the shared
        // prefix, nothing the first trial cached.
        Map<Integer, RequestRecord> firstOfAgent = new HashMap<>();
        for (RequestRecord r : second.records()) firstOfAgent.putIfAbsent(r.agent(), r);
        for (RequestRecord r : firstOfAgent.values()) {
            assertTrue(r.cachedTokens() <= turnOf(r).sharedPrefixTokens(), r.toString());
        }
    }

    @Test
    void theWindowOpensOnceEveryAgentFinishedATurnAndTheCacheIsWarm() {
        Trial t = VirtualTimeDriver.builder(ROOMY, SESSIONS).plan(PLAN).primeCache(false).build().run(0, 20, r -> { });
        double lastFirstTurn = 0;
        Map<Integer, Double> firstEnd = new HashMap<>();
        for (RequestRecord r : t.records()) firstEnd.merge(r.agent(), r.endTime(), Math::min);
        for (double e : firstEnd.values()) lastFirstTurn = Math.max(lastFirstTurn, e);
        assertEquals(20, firstEnd.size());
        assertTrue(t.windowStart() >= lastFirstTurn, t.windowStart() + " before " + lastFirstTurn);
        // Two blocks of 20 requests (one turn per agent) must agree on the cached ratio before the window opens.
        long before = t.records().stream().filter(r -> r.endTime() <= t.windowStart()).count();
        assertTrue(before >= 2 * 20, before + " requests finished in the warm-up");
    }

    @Test
    void aPrimedWindowOpensOnceHalfTheAgentsFinishedATurn() {
        Trial t = driver(ROOMY, PLAN).run(0, 20, r -> { });
        Map<Integer, Double> firstEnd = new HashMap<>();
        for (RequestRecord r : t.records()) firstEnd.merge(r.agent(), r.endTime(), Math::min);
        long finished = firstEnd.values().stream().filter(e -> e <= t.windowStart()).count();
        assertEquals(10, finished, "the window opens at the tenth agent's first completion, " + t.windowStart() + " s");
    }

    @Test
    void toolTimeScaleStretchesTheTimeBetweenTurns() {
        Trial t = VirtualTimeDriver.builder(ROOMY, SESSIONS).plan(PLAN).toolTimeScale(3).build().run(0, 3, r -> { });
        Map<Integer, RequestRecord> previous = new HashMap<>();
        int checked = 0;
        for (RequestRecord r : t.records().stream().sorted((a, b) -> Double.compare(a.sendTime(), b.sendTime())).toList()) {
            RequestRecord p = previous.put(r.agent(), r);
            if (p == null) continue;
            assertEquals(p.endTime() + 3 * turnOf(p).toolTimeMs() / 1000.0, r.sendTime(), 1e-9);
            checked++;
        }
        assertTrue(checked > 10);
    }

    @Test
    void aPromptBeyondTheContextIsRefusedLikeAServerWouldAndTheAgentGoesOn() {
        List<Turn> turns = List.of(
                new Turn("long", 0, "go", 2_000, 0, "sys", 500, 100, 1_000, List.of()),
                new Turn("long", 1, "go", 131_000, 2_100, "sys", 500, 500, 1_000, List.of()),
                new Turn("long", 2, "go", 3_000, 0, "sys", 500, 100, 1_000, List.of()));
        List<Session> sessions = List.of(new Session("long", "go", turns));
        TrialPlan plan = PLAN.withMeasurementSeconds(30);
        Trial t = VirtualTimeDriver.builder(ROOMY, sessions).plan(plan).build().run(0, 1, r -> { });
        List<RequestRecord> refused = t.records().stream().filter(r -> !r.ok()).toList();
        assertFalse(refused.isEmpty());
        for (RequestRecord r : refused) {
            assertEquals(1, r.turn());
            assertEquals("http_400", r.status());
            assertEquals("trial 0 agent 0 session long turn 1: 131000 prompt + 500 output tokens exceed llama-3.1-8b's "
                    + "context of 131072", r.errorDetail());
            assertEquals(r.sendTime(), r.endTime(), 0);
        }
        assertTrue(t.records().stream().anyMatch(r -> r.turn() == 2 && r.ok()), "the agent goes on to the next turn");
    }

    @Test
    void aPromptBeyondOneReplicasKvCacheIsRefusedWithTheEnginesMessage() {
        // A 1M-token context on one H200: its KV cache holds about 800K tokens, so a 900K prompt can never run.
        EngineConfig million = ROOMY.withModel(ROOMY.model().withMaxContextTokens(1 << 20))
                .withTensorParallel(1).withReplicas(1);
        List<Turn> turns = List.of(
                new Turn("long", 0, "go", 2_000, 0, "sys", 500, 100, 1_000, List.of()),
                new Turn("long", 1, "go", 900_000, 2_100, "sys", 500, 500, 1_000, List.of()),
                new Turn("long", 2, "go", 3_000, 0, "sys", 500, 100, 1_000, List.of()));
        List<Session> sessions = List.of(new Session("long", "go", turns));
        Trial t = VirtualTimeDriver.builder(million, sessions).plan(PLAN.withMeasurementSeconds(30)).build()
                .run(0, 1, r -> { });
        List<RequestRecord> refused = t.records().stream().filter(r -> !r.ok()).toList();
        assertFalse(refused.isEmpty());
        for (RequestRecord r : refused) {
            assertEquals(1, r.turn());
            assertEquals("http_400", r.status());
            assertTrue(r.errorDetail().startsWith("request trial 0 agent 0 session long turn 1: 900,000 prompt + 500"
                    + " output = 900,500 tokens need 56,282 KV blocks of 16 tokens, but one replica's KV cache"),
                    r.errorDetail());
        }
        assertTrue(t.records().stream().anyMatch(r -> r.turn() == 2 && r.ok()), "the agent goes on to the next turn");
    }
}
