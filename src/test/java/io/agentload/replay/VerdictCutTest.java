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

    private static final List<Session> SAMPLE =
            Trajectories.sessions(Trajectories.read(Path.of("data/coding-agent-sample.parquet")));

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
            TrialMetrics mw = TrialMetrics.of(w), mc = TrialMetrics.of(c);
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
            System.out.printf("trial %d: %d agents, open %s, cut %s at %.1f of %.1f s after the window, %d of %d"
                            + " records%n", i, w.agents(), SloTier.spec(cut.get(i).open()), c.cutAtVerdict(),
                    c.endTime() - c.windowEnd(), w.endTime() - w.windowEnd(), c.records().size(), w.records().size());
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
