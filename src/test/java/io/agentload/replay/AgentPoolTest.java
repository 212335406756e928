package io.agentload.replay;

import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentPoolTest {

    private static final List<Session> SESSIONS = Sessions.sample(6);
    private static final TrialPlan PLAN = TrialPlan.defaults().withSeed(7).withMeasurementSeconds(60);

    private static Trial run(TrialPlan plan, int trial, int agents) {
        return new FakeServerDriver(SESSIONS, plan, 0.05, 0.01, 50, PowerMeter.NONE).run(trial, agents, r -> { });
    }

    private static Map<Integer, List<RequestRecord>> byAgent(Trial t) {
        return t.records().stream().collect(Collectors.groupingBy(RequestRecord::agent));
    }

    private static Turn turnOf(RequestRecord r) {
        return SESSIONS.get(Integer.parseInt(r.sessionId().substring(1))).turns().get(r.turn());
    }

    @Test
    void sameSeedReplaysIdenticallyAndAnotherSeedDoesNot() {
        Trial a = run(PLAN, 0, 8);
        Trial b = run(PLAN, 0, 8);
        Trial c = run(PLAN.withSeed(8), 0, 8);
        assertEquals(a.records(), b.records());
        assertEquals(a.windowStart(), b.windowStart());
        assertNotEquals(a.records(), c.records());
    }

    @Test
    void agentsStartAtRandomTurnsThenReplaySessionsInOrderWaitingTheToolTime() {
        Trial t = run(PLAN, 0, 40);
        Set<Integer> firstTurns = new HashSet<>();
        for (List<RequestRecord> records : byAgent(t).values()) {
            RequestRecord first = records.get(0);
            firstTurns.add(first.turn());
            for (int i = 1; i < records.size(); i++) {
                RequestRecord prev = records.get(i - 1), next = records.get(i);
                Turn prevTurn = turnOf(prev);
                assertEquals(prev.endTime() + prevTurn.toolTimeMs() / 1000.0, next.sendTime(), 1e-12,
                        "agent " + next.agent() + " waits the tool time after each response");
                boolean lastTurn = prev.turn() == SESSIONS.get(Integer.parseInt(prev.sessionId().substring(1))).turns().size() - 1;
                if (lastTurn) {
                    assertEquals(0, next.turn(), "a new session starts at turn 0");
                    assertNotEquals(prev.salt(), next.salt(), "each replay gets its own salt");
                } else {
                    assertEquals(prev.sessionId(), next.sessionId());
                    assertEquals(prev.turn() + 1, next.turn());
                    assertEquals(prev.salt(), next.salt(), "one salt for a whole session replay");
                }
            }
        }
        assertTrue(firstTurns.size() >= 4, "first turns spread over the sessions: " + firstTurns);
    }

    @Test
    void everyAgentWalksTheShuffledOrderFromItsOwnPosition() {
        Trial t = run(PLAN.withMeasurementSeconds(400), 0, 3);
        for (List<RequestRecord> records : byAgent(t).values()) {
            List<String> started = new ArrayList<>();
            for (int i = 1; i < records.size(); i++) {
                if (records.get(i).turn() == 0) started.add(records.get(i).sessionId());
            }
            // After the first (partial) session the agent starts the other five before any repeats.
            assertTrue(started.size() >= 6, "agent replayed " + started);
            Set<String> firstPass = new HashSet<>(started.subList(0, 5));
            firstPass.add(records.get(0).sessionId());
            assertEquals(6, firstPass.size(), "one pass covers every session once: " + started);
            assertEquals(started.subList(0, started.size() - 6), started.subList(6, started.size()),
                    "the order repeats after a pass");
        }
    }

    @Test
    void saltsDifferAcrossAgentsAndTrials() {
        Set<Long> salts = new HashSet<>();
        for (RequestRecord r : run(PLAN, 0, 20).records()) salts.add(r.salt());
        Set<Long> trial1 = new HashSet<>();
        for (RequestRecord r : run(PLAN, 1, 20).records()) trial1.add(r.salt());
        Map<Long, Set<Integer>> agentsPerSalt = new HashMap<>();
        for (RequestRecord r : run(PLAN, 0, 20).records()) {
            agentsPerSalt.computeIfAbsent(r.salt(), s -> new HashSet<>()).add(r.agent());
        }
        assertTrue(agentsPerSalt.values().stream().allMatch(a -> a.size() == 1), "no salt shared by two agents");
        assertTrue(salts.stream().noneMatch(trial1::contains), "a later trial never reuses an earlier trial's cache");
    }

    @Test
    void phasesFollowTheWindowAndTheTrialEndsWhenMeasuredRequestsDo() {
        Trial t = run(PLAN, 0, 10);
        assertFalse(t.warmUpCut());
        assertEquals(60, t.windowSeconds(), 1e-9);
        Map<Integer, Double> firstEnd = new HashMap<>();
        for (RequestRecord r : t.records()) {
            firstEnd.merge(r.agent(), r.endTime(), Math::min);
            switch (r.phase()) {
                case WARM_UP -> assertTrue(r.sendTime() < t.windowStart());
                case MEASURED -> assertTrue(r.sendTime() >= t.windowStart() && r.sendTime() < t.windowEnd());
                case COOL_DOWN -> assertTrue(r.sendTime() >= t.windowEnd());
            }
            if (r.phase() != RequestRecord.Phase.COOL_DOWN) assertTrue(r.endTime() <= t.endTime());
        }
        assertEquals(10, firstEnd.size());
        double lastFirstTurn = firstEnd.values().stream().mapToDouble(d -> d).max().orElseThrow();
        assertEquals(lastFirstTurn, t.windowStart(), 0, "the window opens when the last agent finishes its first turn");
        double lastMeasuredEnd = t.records().stream().filter(r -> r.phase() != RequestRecord.Phase.COOL_DOWN)
                .mapToDouble(RequestRecord::endTime).max().orElseThrow();
        assertEquals(Math.max(t.windowEnd(), lastMeasuredEnd), t.endTime(), 0);
        assertTrue(t.measured().size() > 50, "measured " + t.measured().size());
    }

    @Test
    void minimumWarmUpAndColdTargetsDelayTheWindowUpToTheMaximum() {
        Trial min = run(PLAN.withWarmUpSeconds(30, 600), 0, 4);
        assertTrue(min.windowStart() >= 30 && min.windowStart() < 31, "window at " + min.windowStart());
        assertFalse(min.warmUpCut());

        AgentPool cold = new AgentPool(SESSIONS, PLAN.withWarmUpSeconds(0, 20), 0, 2, 100, () -> false, r -> { });
        TurnRequest r = cold.send(0, 100).orElseThrow();
        cold.completed(0, r.record().tokenTimes(100.5, 101).endTime(101).tokens(10, 0, 5).build(), AgentPool.Wakes.NONE);
        assertTrue(Double.isNaN(cold.windowEnd()), "still warming up");
        TurnRequest late = cold.send(1, 125).orElseThrow();
        assertEquals(RequestRecord.Phase.MEASURED, late.phase());
        assertEquals(180, cold.windowEnd(), 0, "window forced open at 100 + 20 s");
    }

    @Test
    void aPrimedWarmUpEndsOnceMoreFirstRequestsRunPastTheirDeadlinesThanTheLoosestTierAllows() {
        // Tiers 60 tok/s within 3 s and 20 tok/s within 6 s, 90% of agents: a first request asking for n tokens is
        // certainly out of both once it runs 6 + (n - 1) / 20 s after its send. Of 10 agents, 2 overdue leave only
        // 80% that may pass: the window opens at the second deadline, long before half of the agents finish a turn.
        List<SloTier> tiers = List.of(new SloTier(60, 3), new SloTier(20, 6));
        for (boolean primed : new boolean[] {true, false}) {
            AgentPool pool = new AgentPool(SESSIONS, PLAN, 0, 10, 0, () -> true, r -> { });
            if (primed) pool.primeFirstTurns();
            pool.judgeFirstBurstBy(tiers);
            double[] deadlines = new double[10];
            for (int a = 0; a < 10; a++) {
                double sent = pool.firstSendTime(a);
                deadlines[a] = sent + 6 + (pool.send(a, sent).orElseThrow().maxTokens() - 1) / 20.0;
            }
            Arrays.sort(deadlines);
            assertFalse(pool.done(Math.nextDown(deadlines[1])));
            assertTrue(Double.isNaN(pool.windowEnd()), "one request overdue of 10: 90% may still pass");
            assertFalse(pool.done(deadlines[1]));
            if (primed) {
                assertEquals(deadlines[1] + 60, pool.windowEnd(), 0, "window opens at the second deadline");
            } else {
                assertTrue(Double.isNaN(pool.windowEnd()), "unprimed, the warm-up waits for every agent's first turn");
            }
        }
    }

    @Test
    void firstRequestsThatEndedDoNotHoldTheTargetBehindHoweverLateTheyWere() {
        // Every first request ends half a second before its deadline, out of the tier (TTFT 6.2 s): the target kept
        // up, so the window opens as before, when half of the agents have finished a turn.
        AgentPool pool = new AgentPool(SESSIONS, PLAN, 0, 10, 0, () -> true, r -> { });
        pool.primeFirstTurns();
        pool.judgeFirstBurstBy(List.of(new SloTier(20, 6)));
        List<TurnRequest> sent = new ArrayList<>();
        for (int a = 0; a < 10; a++) sent.add(pool.send(a, pool.firstSendTime(a)).orElseThrow());
        sent.sort(Comparator.comparingDouble(AgentPoolTest::deadline));
        int ended = 0;
        for (TurnRequest r : sent) {
            double end = deadline(r) - 0.5;
            pool.completed(r.lane(), r.record().tokenTimes(r.sendTime() + 6.2, end).endTime(end)
                    .tokens(1000, 900, r.maxTokens()).build(), AgentPool.Wakes.NONE);
            if (++ended < 5) assertTrue(Double.isNaN(pool.windowEnd()), "still warming up after " + ended);
            else if (ended == 5) assertEquals(end + 60, pool.windowEnd(), 0, "half of the agents finished a turn");
        }
    }

    /** When a first request is certainly out of 20 tok/s within 6 s. */
    private static double deadline(TurnRequest r) {
        return r.sendTime() + 6 + (r.maxTokens() - 1) / 20.0;
    }

    @Test
    void driversMisusingTheProtocolFailLoudly() {
        AgentPool pool = new AgentPool(SESSIONS, PLAN, 3, 2, 0, () -> true, r -> { });
        TurnRequest r = pool.send(0, 0).orElseThrow();
        assertThrows(IllegalStateException.class, () -> pool.send(0, 1), "agent already in flight");
        RequestRecord wrongTrial = RequestRecord.builder().trial(2, 0).turn(r.turn().sessionId(), r.turn().turn(), r.salt())
                .phase(r.phase()).endTime(1).build();
        assertThrows(IllegalStateException.class, () -> pool.completed(0, wrongTrial, AgentPool.Wakes.NONE));
        assertThrows(IllegalStateException.class, () -> pool.trial(PowerMeter.NONE), "trial not over");
        assertThrows(ReplayException.class, () -> new AgentPool(List.of(), PLAN, 0, 1, 0, () -> true, x -> { }));
    }

    @Test
    void sinkSeesEveryRecordAsItCompletesAndPowerCoversTheWindow() {
        List<RequestRecord> sunk = new ArrayList<>();
        double[] asked = new double[2];
        PowerMeter meter = (from, to) -> {
            asked[0] = from;
            asked[1] = to;
            return Optional.of(new TrialMetrics.MeanPower(5600, "gpu, modelled"));
        };
        Trial t = new FakeServerDriver(SESSIONS, PLAN, 0.05, 0.01, 50, meter).run(0, 5, sunk::add);
        assertEquals(t.records(), sunk);
        assertEquals(t.windowStart(), asked[0], 0);
        assertEquals(t.windowEnd(), asked[1], 0);
        assertEquals(Optional.of(new TrialMetrics.MeanPower(5600, "gpu, modelled")), t.power());
    }

    @Test
    void forcedOutputIsAtLeastOneToken() {
        Session zero = new Session("z", "java", List.of(new Turn("z", 0, "java", 100, 0, "sys", 10, 0, 0, List.of())));
        AgentPool pool = new AgentPool(List.of(zero), PLAN, 0, 1, 0, () -> true, r -> { });
        Optional<TurnRequest> r = pool.send(0, 0);
        assertEquals(1, r.orElseThrow().maxTokens());
        assertEquals(100, r.get().layout().inputTokens());
    }

    @Test
    void theCoolDownGraceEndsATrialThatARequestWouldHold() {
        TrialPlan plan = PLAN.withWarmUpSeconds(0, 10).withMeasurementSeconds(30);
        AgentPool pool = new AgentPool(SESSIONS, plan, 0, 1, 0, () -> true, r -> { });
        pool.endCoolDownAfter(5);
        TurnRequest hung = pool.send(0, 0).orElseThrow();
        assertFalse(pool.done(44.9), "warm-up forced open at 10 s, window closed at 40 s, grace until 45 s");
        assertTrue(pool.done(45));
        assertTrue(pool.send(0, 45).isEmpty(), "no more sends once the grace is over");
        assertThrows(IllegalStateException.class, () -> pool.trial(PowerMeter.NONE), "the hung request is not recorded");
        pool.completed(0, hung.record().endTime(45).failed(RequestRecord.CUT_AT_END, "cut").build(), AgentPool.Wakes.NONE);
        Trial t = pool.trial(PowerMeter.NONE);
        assertEquals(45, t.endTime(), 0, "the trial ends when its last request was cut");
        assertTrue(t.warmUpCut());
        assertThrows(IllegalArgumentException.class, () -> pool.endCoolDownAfter(-1));
    }
}
