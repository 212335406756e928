package io.agentload.replay;

import io.agentload.sim.EngineConfig;
import io.agentload.sim.SimLoop;
import io.agentload.trajectory.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeploymentSearchTest {

    private static final List<Session> SESSIONS = SimLoop.agenticSessions(40, 12, 5);

    /**
     * Four layouts of Llama 3.1 70B on an HGX H100: two close ones first (about 40 agents when screened, 44 fully),
     * then one that serves about half (pruned by its screening probe), then the best (about 56).
     */
    private static Map<String, EngineConfig.Deployment> candidates() {
        Map<String, EngineConfig.Deployment> c = new LinkedHashMap<>();
        c.put("two-tp4", EngineConfig.Deployment.parse("unified=2x(tp4)"));
        c.put("split-tp4", EngineConfig.Deployment.parse("ctx=1x(tp4),gen=1x(tp4)"));
        c.put("one-tp8", EngineConfig.Deployment.parse("unified=1x(tp8)"));
        c.put("two-tp4-batch32", EngineConfig.Deployment.parse("unified=2x(tp4),batch=32"));
        return c;
    }

    private static Simulation base() {
        return Simulation.of("h100x8", "llama-3.1-70b").withSessions(SESSIONS).withTiers(SloTier.parse("20"))
                .withWindow(Duration.ofSeconds(60)).withMaxAgents(256).withThreads(1);
    }

    /** Screening, pruning and a full search of the best pick the layout that searching every layout fully picks. */
    @Test
    void picksTheSameBestLayoutAsSearchingEveryLayoutFully(@TempDir Path dir) throws Exception {
        Map<String, SearchSummary> exhaustive = new LinkedHashMap<>();
        candidates().forEach((name, d) -> exhaustive.put(name, SearchSummary.of(base().withTolerance(0.02)
                .withEngine(e -> e.withDeployment(d)).search()).withDeployment(d.toString())));
        SearchSummary.Tier expected = DeploymentSearch.best(exhaustive, 0).tiers().get(0);

        SearchSummary best = DeploymentSearch.run(base(), candidates(), dir);
        SearchSummary.Tier tier = best.tiers().get(0);
        assertEquals(expected.deployment(), tier.deployment());
        assertEquals(expected.maxAgents(), tier.maxAgents(), 0.02 * expected.maxAgents() + 1);
        try (var folders = Files.list(dir)) {
            assertEquals(1, folders.filter(Files::isDirectory).count(), "only the best layout was searched fully");
        }
        assertTrue(Files.readString(dir.resolve(Run.SUMMARY)).contains(expected.deployment()));
        String report = Files.readString(dir.resolve(Run.REPORT));
        assertTrue(report.contains("screened") && report.contains("pruned when screened")
                && report.contains("pruned in the full round"), report);
    }

    /**
     * A layout that cannot come within the screening's bracket costs one trial; a contender that fails at the best
     * full answer so far costs one more; a screening that starts from its probe reuses it as its first trial.
     */
    @Test
    void aLayoutThatCannotWinCostsOneTrialPerRound(@TempDir Path dir) {
        Map<String, DeploymentSearch.Found> found = DeploymentSearch.search(base(), candidates(), dir);

        DeploymentSearch.Found weak = found.get("split-tp4");
        assertNull(weak.screened());
        assertEquals(1, weak.probes());
        int firstScreened = found.get("two-tp4").screened().tiers().get(0).maxAgents();
        assertEquals((int) Math.floor(firstScreened * (1 - DeploymentSearch.SCREEN_TOLERANCE)), weak.prunedAt());

        DeploymentSearch.Found best = found.get("one-tp8");
        int bestFull = best.full().tiers().get(0).maxAgents();
        for (String contender : List.of("two-tp4", "two-tp4-batch32")) {
            DeploymentSearch.Found f = found.get(contender);
            assertTrue(f.screened().tiers().get(0).maxAgents()
                    >= Math.floor(best.screened().tiers().get(0).maxAgents() * (1 - DeploymentSearch.SCREEN_TOLERANCE)),
                    contender + " is a contender");
            assertNull(f.full(), contender + " is not searched fully");
            assertEquals(bestFull, f.prunedAt());
            assertEquals(1, f.probes());
        }

        // one-tp8 was screened from its probe at the contenders' floor: the same search as one that runs it again.
        int floor = (int) Math.floor(found.get("two-tp4").screened().tiers().get(0).maxAgents()
                * (1 - DeploymentSearch.SCREEN_TOLERANCE));
        SearchSummary again = SearchSummary.of(base().withWindow(Duration.ofSeconds(DeploymentSearch.SCREEN_WINDOW_S))
                .withTolerance(DeploymentSearch.SCREEN_TOLERANCE)
                .withEngine(e -> e.withDeployment(candidates().get("one-tp8"))).withRamp(floor, 2).search())
                .withDeployment(candidates().get("one-tp8").toString());
        assertEquals(again, best.screened());
        assertEquals(0, best.probes());
        assertFalse(Files.exists(dir.resolve("two-tp4")));
    }
}
