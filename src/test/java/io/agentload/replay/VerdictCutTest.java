package io.agentload.replay;

import io.agentload.sim.Engine;
import io.agentload.sim.EngineConfig;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A virtual-time trial cut once its verdict is certain ({@link VerdictWatch}) gives every tier it was run for the
 * verdict the whole trial gives, so a search finds the same answers with and without the cut.
 */
class VerdictCutTest {

    /** The sample shipped before the agent's rhythm, kept as a fixture so that this test follows the simulator only. */
    private static final List<Session> SAMPLE = Trajectories.sessions(
            Trajectories.read(Path.of("src/test/resources/trajectory/coding-agent-sample-before-rhythm.parquet")));

    /** A trial as the search ran it: the tiers open for it and what it gave. */
    private record Ran(List<SloTier> open, Trial trial) {
    }

    private static List<Ran> search(EngineConfig engine, TrialPlan plan, List<SloTier> tiers, int start, int max,
                                    boolean cut, List<SloResult> result) {
        VirtualTimeDriver driver = VirtualTimeDriver.builder(engine, SAMPLE).plan(plan).cutAtVerdict(cut).build();
        List<Ran> ran = new ArrayList<>();
        TrialRunner recording = (trial, agents, open, sink) -> {
            Trial t = driver.run(trial, agents, open, sink);
            ran.add(new Ran(open, t));
            return t;
        };
        result.add(SloSearch.over(recording).withTiers(tiers).withGpus(engine.system().gpus())
                .withAgents(start, max).run());
        return ran;
    }

    private static void sameVerdicts(EngineConfig engine, TrialPlan plan, List<SloTier> tiers, int start, int max) {
        List<SloResult> results = new ArrayList<>();
        List<Ran> whole = search(engine, plan, tiers, start, max, false, results);
        List<Ran> cut = search(engine, plan, tiers, start, max, true, results);
        assertEquals(whole.stream().map(r -> r.trial().agents()).toList(),
                cut.stream().map(r -> r.trial().agents()).toList(), "the same trials");
        int cuts = 0;
        for (int i = 0; i < whole.size(); i++) {
            Trial w = whole.get(i).trial(), c = cut.get(i).trial();
            assertFalse(w.cutAtVerdict());
            assertEquals(whole.get(i).open(), cut.get(i).open());
            if (c.cutAtVerdict()) cuts++;
            assertEquals(TrialMetrics.CoolDownEnded.ALL_ENDED, w.coolDownEnded());
            assertEquals(c.cutAtVerdict() ? TrialMetrics.CoolDownEnded.OPEN_TIERS_CERTAIN
                    : TrialMetrics.CoolDownEnded.ALL_ENDED, c.coolDownEnded());
            assertEquals(w.windowOpened(), c.windowOpened(), "the same warm-up");
            assertEquals(w.warmUpCut(), w.windowOpened() == TrialMetrics.WindowOpened.MAX_WARM_UP);
            TrialMetrics mw = TrialMetrics.of(w), mc = TrialMetrics.of(c);
            assertEquals(mw.outputTokensPerSecond(), mc.outputTokensPerSecond(), 1 / w.windowSeconds(),
                    "trial " + i + ": the window's tokens, to within one, whether or not the trial was cut");
            for (SloTier tier : cut.get(i).open()) {
                assertEquals(mw.check(tier).passed(), mc.check(tier).passed(),
                        "trial " + i + " at " + w.agents() + " agents, " + tier.label());
            }
            if (!c.cutAtVerdict()) {
                // The whole trial, started where the previous (maybe cut) trial ended on the virtual clock.
                assertEquals(w.records().size(), c.records().size());
                for (SloTier tier : tiers) {
                    TrialMetrics.TierCheck x = mw.check(tier), y = mc.check(tier);
                    assertEquals(List.of(x.passed(), x.agentsJudged(), x.agentsPassing()),
                            List.of(y.passed(), y.agentsJudged(), y.agentsPassing()), "trial " + i + ", " + tier);
                }
            }
        }
        SloResult a = results.get(0), b = results.get(1);
        for (int t = 0; t < tiers.size(); t++) {
            SloResult.TierResult x = a.tiers().get(t), y = b.tiers().get(t);
            assertEquals(x.maxAgents(), y.maxAgents(), tiers.get(t).label());
            assertEquals(x.capped(), y.capped());
            assertEquals(x.consistent(), y.consistent());
        }
        assertTrue(cuts > 0, "some trial was cut");
    }

    /** 128 agents overload one H200 node serving Llama 3.1 70B: the 20 tok/s tier fails. */
    @Test
    void aCutTrialRecordsEveryRequestTheEngineSawOnceAndCancelsThoseInFlight() {
        EngineConfig h200 = EngineConfig.of("h200x8", "llama-3.1-70b");
        TrialPlan plan = TrialPlan.defaults().withMeasurementSeconds(60);
        List<SloTier> open = SloTier.parse("20");
        VirtualTimeDriver driver = VirtualTimeDriver.builder(h200, SAMPLE).plan(plan).build();
        List<RequestRecord> sunk = new ArrayList<>();
        Trial t = driver.run(0, 128, open, sunk::add);
        Trial whole = VirtualTimeDriver.builder(h200, SAMPLE).plan(plan).build().run(0, 128, r -> { });

        assertTrue(t.cutAtVerdict());
        assertFalse(whole.cutAtVerdict(), "no tier open: the whole trial");
        assertFalse(TrialMetrics.of(whole).check(open.get(0)).passed());
        assertFalse(TrialMetrics.of(t).check(open.get(0)).passed());
        assertTrue(t.endTime() < whole.endTime(), t.endTime() + " vs " + whole.endTime());
        assertEquals(t.records(), sunk, "every record reached the sink, in order");
        assertEquals(TrialMetrics.of(whole).outputTokensPerSecond(), TrialMetrics.of(t).outputTokensPerSecond(),
                1 / t.windowSeconds(), "the output throughput of the whole trial, to within a token");

        Engine.Counters c = driver.lastEngine().counters();
        List<RequestRecord> cut = t.records().stream()
                .filter(r -> r.status().equals(RequestRecord.CUT_AT_VERDICT)).toList();
        long refused = t.records().stream().filter(r -> r.status().equals(VirtualTrial.CONTEXT_EXCEEDED)).count();
        assertFalse(cut.isEmpty());
        assertEquals(c.submittedRequests() + refused, t.records().size(), "each request the engine saw, once");
        assertEquals(c.submittedRequests() - c.finishedRequests(), c.cancelledRequests());
        assertEquals(cut.size(), c.cancelledRequests(), "what was cut was cancelled in the engine");
        assertEquals(t.records().size(), t.records().stream()
                .map(r -> r.agent() + " " + r.sessionId() + " " + r.turn() + " " + r.sendTime()).distinct().count());
        for (RequestRecord r : cut) {
            assertEquals(t.endTime(), r.endTime(), 0, r.toString());
            assertTrue(r.sendTime() <= r.endTime() && r.cachedTokens() == -1 && !r.ok(), r.toString());
            if (Double.isNaN(r.firstTokenTime())) {
                assertEquals(0, r.outputTokens(), r.toString());
            } else {
                assertTrue(r.outputTokens() >= 1 && r.lastTokenTime() <= r.endTime(), r.toString());
                assertTrue(r.interTokenLatencyCount() <= r.outputTokens() - 1, r.toString());
            }
        }
        assertTrue(cut.stream().anyMatch(r -> r.measured()), "measured requests were still in flight");
    }

    /**
     * 64 agents are well within one H200 node's 20 tok/s capacity: once nine in ten of them have their measured
     * requests answered and pass, the pass is certain and the trial stops without waiting for the longest answers.
     */
    @Test
    void aTrialBelowCapacityStopsOnceItsPassIsCertain() {
        EngineConfig h200 = EngineConfig.of("h200x8", "llama-3.1-70b");
        TrialPlan plan = TrialPlan.defaults().withMeasurementSeconds(60);
        SloTier tier = SloTier.parse("20").get(0);
        Trial t = VirtualTimeDriver.builder(h200, SAMPLE).plan(plan).build().run(0, 64, List.of(tier), r -> { });
        Trial whole = VirtualTimeDriver.builder(h200, SAMPLE).plan(plan).build().run(0, 64, r -> { });

        assertTrue(t.cutAtVerdict());
        assertTrue(TrialMetrics.of(whole).check(tier).passed());
        assertTrue(TrialMetrics.of(t).check(tier).passed());
        assertTrue(t.endTime() < whole.endTime(), t.endTime() + " vs " + whole.endTime());
        assertEquals(t.windowEnd(), whole.windowEnd(), 0, "the same trial up to the cut");
        TrialMetrics.TierCheck cut = TrialMetrics.of(t).check(tier), full = TrialMetrics.of(whole).check(tier);
        assertEquals(full.agentsJudged(), cut.agentsJudged());
        assertTrue(cut.agentsPassing() <= full.agentsPassing(), "agents cut in flight count as failing");
        TrialMetrics mt = TrialMetrics.of(t), mw = TrialMetrics.of(whole);
        assertEquals(mw.outputTokensPerSecond(), mt.outputTokensPerSecond(), 1 / t.windowSeconds(),
                "the whole trial's output throughput, to within a token");
        assertEquals(mw.meanWatts(), mt.meanWatts(), 0, "and its window's power, so its tokens per joule");
    }

    @Test
    void h200SearchGivesTheSameVerdicts() {
        sameVerdicts(EngineConfig.of("h200x8", "llama-3.1-70b"), TrialPlan.defaults().withMeasurementSeconds(60),
                SloTier.defaults(), 1, 1 << 16);
    }

    @Test
    void rackSearchGivesTheSameVerdicts() {
        sameVerdicts(EngineConfig.of("gb300-nvl72", "deepseek-v3"),
                TrialPlan.defaults().withMeasurementSeconds(30).withWarmUpSeconds(0, 60), SloTier.parse("100,140,180"),
                64, 512);
    }

    @Test
    void tightTiersGiveTheSameVerdicts() {
        sameVerdicts(EngineConfig.of("h200x8", "llama-3.1-70b"), TrialPlan.defaults().withMeasurementSeconds(60),
                SloTier.parse("30:1:0.5,80:8:0.99,20:0.5:1"), 1, 1 << 16);
    }
}
