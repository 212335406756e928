package io.agentload.replay;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SloSearchTest {

    /**
     * The standard runner gives every agent 4000 / N tok/s and TTFT 0.2 + 0.01 N s, so speed binds every known
     * tier: 20 tok/s up to 200 agents, 60 up to 66, 100 up to 40, 140 up to 28, 180 up to 22.
     */
    @Test
    void findsTheExactCapacityOfEveryTierFromSharedTrials() {
        CapacityRunner runner = CapacityRunner.standard();
        SloResult r = SloSearch.over(runner).withTiers(SloTier.parse("20,60,100,140,180")).withGpus(8).run();
        assertEquals(List.of(200, 66, 40, 28, 22), r.tiers().stream().map(SloResult.TierResult::maxAgents).toList());
        assertTrue(r.tiers().stream().allMatch(SloResult.TierResult::consistent));
        assertTrue(r.tiers().stream().noneMatch(SloResult.TierResult::capped));
        // Ramp 1..256 (9 trials), then bisection: 7 + 6 + 5 + 4 + 3 trials for brackets of 128, 64, 32, 16 and 8.
        assertEquals(34, runner.asked.size(), "trials " + runner.asked);
        assertEquals(runner.asked.size(), new HashSet<>(runner.asked).size(), "no concurrency runs twice");
        assertEquals(List.of(1, 2, 4, 8, 16, 32, 64, 128, 256), runner.asked.subList(0, 9));

        SloResult.TierResult slowest = r.tiers().get(0);
        assertEquals(25, slowest.agentsPerGpu(), 0);
        assertEquals(Optional.of(new TrialMetrics.MeanPower(3000, "node, modelled")), slowest.power());
        assertEquals(200 / 0.003, slowest.agentsPerMegawatt(), 1e-6);
        assertEquals(r.trials().size(), 34);
    }

    @Test
    void speculativeTrialsOnSeveralThreadsChangeNeitherTheTrialsTakenNorTheResult() {
        CapacityRunner alone = CapacityRunner.standard();
        SloResult sequential = SloSearch.over(alone).withTiers(SloTier.parse("20,60,100,140,180")).run();
        for (int threads : new int[]{2, 3, 16}) {
            CapacityRunner.Independent runner = new CapacityRunner.Independent();
            SloResult r = SloSearch.over(runner).withTiers(SloTier.parse("20,60,100,140,180")).withThreads(threads).run();
            assertEquals(alone.asked, runner.asked, threads + " threads take the same trials in the same order");
            assertEquals(sequential.tiers(), r.tiers());
            assertEquals(sequential.trials().stream().map(m -> m.trial() + "@" + m.agents()).toList(),
                    r.trials().stream().map(m -> m.trial() + "@" + m.agents()).toList());
            assertTrue(runner.computed.size() > runner.asked.size(), threads + " threads guessed ahead: " + runner.computed);
            // The ramp's next point is the likeliest guess: with two threads, 2 is computed beside 1, and so on.
            assertTrue(runner.computed.containsAll(List.of("0@1", "1@2", "2@4", "3@8")), runner.computed.toString());
        }
    }

    /**
     * A speculative trial counts only if it was told the same open tiers as the trial the search then needs (they
     * decide where the trial may be cut). The likeliest guess in a ramp is that the pending trial passes every tier
     * it is open for, so the next ramp point is computed once, beside it, with every tier still open; the guess used
     * to keep the open tiers of the first verdict that led to the same N (every tier but one failing), and every ramp
     * trial was computed twice.
     */
    @Test
    void aRampTrialGuessedAheadIsComputedOnceWithTheOpenTiersItNeeds() {
        CapacityRunner.Independent runner = new CapacityRunner.Independent();
        SloSearch.over(runner).withTiers(SloTier.parse("20,60,100,140,180")).withThreads(2).run();
        // Up to 16 agents every tier passes (the 180 tok/s tier first fails at 32), so trials 1 to 5 follow a trial
        // that passed all its open tiers.
        for (String trial : List.of("1@2", "2@4", "3@8", "4@16", "5@32")) {
            assertEquals(List.of(trial + "/5"), runner.computedWithOpen.stream()
                    .filter(c -> c.startsWith(trial + "/")).toList(), runner.computedWithOpen.toString());
        }
    }

    @Test
    void stricterTiersNeverServeMoreAgents() {
        SloResult r = SloSearch.over(CapacityRunner.standard()).run();
        for (int i = 1; i < r.tiers().size(); i++) {
            assertTrue(r.tiers().get(i).maxAgents() <= r.tiers().get(i - 1).maxAgents());
        }
        for (TrialMetrics m : r.trials()) {
            for (SloResult.TierResult t : r.tiers()) {
                assertEquals(m.agents() <= t.maxAgents(), m.check(t.tier()).passed(), "trial at " + m.agents());
            }
        }
    }

    @Test
    void ttftCanBeTheBindingLimit() {
        CapacityRunner runner = new CapacityRunner(n -> 500, n -> 0.5 + 0.05 * n, n -> 700);
        SloResult r = SloSearch.over(runner).withTiers(List.of(new SloTier(60, 3))).run();
        assertEquals(50, r.tiers().get(0).maxAgents(), "0.5 + 0.05 N <= 3 up to N = 50");
    }

    @Test
    void aSystemThatNeverFailsIsCappedAndOneThatAlwaysFailsServesNone() {
        CapacityRunner fast = new CapacityRunner(n -> 1000, n -> 0.1, n -> 500);
        SloResult capped = SloSearch.over(fast).withAgents(1, 100).run();
        assertEquals(100, capped.tiers().get(0).maxAgents());
        assertTrue(capped.tiers().get(0).capped());
        assertEquals(List.of(1, 2, 4, 8, 16, 32, 64, 100), fast.asked);

        CapacityRunner slow = new CapacityRunner(n -> 5, n -> 0.1, n -> 500);
        SloResult none = SloSearch.over(slow).run();
        assertEquals(List.of(1), slow.asked);
        assertEquals(0, none.tiers().get(0).maxAgents());
        assertEquals(0, none.tiers().get(0).agentsPerMegawatt(), 0);
        assertFalse(none.tiers().get(0).power().isPresent());
    }

    @Test
    void toleranceTradesExactnessForFewerTrials() {
        CapacityRunner runner = CapacityRunner.standard();
        SloResult r = SloSearch.over(runner).withTiers(SloTier.parse("20")).withTolerance(0.05).run();
        int found = r.tiers().get(0).maxAgents();
        assertTrue(found <= 200 && found >= 190, "found " + found);
        assertTrue(runner.asked.size() < 9 + 7, "trials " + runner.asked);
    }

    @Test
    void noiseNeverRaisesAResultAboveAFailureAndTheSearchStaysBounded() {
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom noise = new SplittableRandom(seed);
            // Each trial's speed is off by up to 3%: near 40 agents the 100 tok/s tier flips.
            CapacityRunner runner = new CapacityRunner(n -> 4000.0 / n * (0.97 + 0.06 * noise.nextDouble()),
                    n -> 0.2, n -> 1000);
            SloResult r = SloSearch.over(runner).withTiers(SloTier.parse("100")).run();
            SloResult.TierResult t = r.tiers().get(0);
            assertTrue(t.maxAgents() >= 38 && t.maxAgents() <= 41, "seed " + seed + ": " + t.maxAgents());
            assertTrue(runner.asked.size() <= 7 + 5, "seed " + seed + ": " + runner.asked);
            int firstFailure = r.trials().stream().filter(m -> !m.check(t.tier()).passed())
                    .mapToInt(TrialMetrics::agents).min().orElseThrow();
            assertTrue(t.maxAgents() < firstFailure);
        }
    }

    @Test
    void contradictingTrialsAreFlaggedAsInconsistent() {
        // 50 tok/s at 4 agents (a noisy dip below 60), 1000 below 9 agents otherwise, 1 from 9 on. The 20 tok/s
        // tier ramps on to 16, so the 60 tok/s tier sees a pass at 8 above its failure at 4 and must stop below 4.
        CapacityRunner dip = new CapacityRunner(n -> n >= 9 ? 1 : n == 4 ? 50 : 1000, n -> 0.1, n -> 100);
        SloResult r = SloSearch.over(dip).withTiers(SloTier.parse("20,60")).run();
        assertEquals(List.of(1, 2, 4, 8, 16, 12, 10, 9, 3), dip.asked);
        assertEquals(8, r.tiers().get(0).maxAgents());
        assertTrue(r.tiers().get(0).consistent());
        assertEquals(3, r.tiers().get(1).maxAgents());
        assertFalse(r.tiers().get(1).consistent(), "8 agents passed above the failure at 4");
    }

    @Test
    void everyRecordReachesTheSink() {
        int[] records = {0};
        TrialRunner counting = (trial, agents, open, sink) -> {
            Trial t = CapacityRunner.standard().run(trial, agents, r -> records[0]++);
            t.records().forEach(sink);
            return t;
        };
        SloResult r = SloSearch.over(counting).withTiers(SloTier.parse("180")).run();
        assertEquals(2 * r.trials().stream().mapToInt(TrialMetrics::agents).sum(), records[0]);
        // Ramp 1..32, then 24, 20, 22, 23: trials numbered in the order they ran.
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), r.trials().stream().map(TrialMetrics::trial).toList());
        assertEquals(22, r.tiers().get(0).maxAgents());
        assertTrue(r.trials().stream().allMatch(m -> m.measuredRequests() == 2 * m.agents()));
    }
}
