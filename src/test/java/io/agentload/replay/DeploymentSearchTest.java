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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeploymentSearchTest {

    private static final List<Session> SESSIONS = SimLoop.agenticSessions(40, 12, 5);

    /** Three small layouts of Llama 3.1 70B on an HGX H100 that serve clearly different numbers of agents. */
    private static Map<String, EngineConfig.Deployment> candidates() {
        Map<String, EngineConfig.Deployment> c = new LinkedHashMap<>();
        c.put("one-tp2", EngineConfig.Deployment.parse("unified=1x(tp2)"));
        c.put("one-tp4", EngineConfig.Deployment.parse("unified=1x(tp4)"));
        c.put("split-tp2", EngineConfig.Deployment.parse("ctx=1x(tp2),gen=1x(tp2)"));
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
            assertTrue(folders.filter(Files::isDirectory).count() < candidates().size(), "the screening pruned a layout");
        }
        assertTrue(Files.readString(dir.resolve(Run.SUMMARY)).contains(expected.deployment()));
        assertTrue(Files.readString(dir.resolve(Run.REPORT)).contains("screened"));
    }
}
