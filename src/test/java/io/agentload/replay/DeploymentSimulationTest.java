package io.agentload.replay;

import io.agentload.sim.EngineConfig;
import io.agentload.sim.SimLoop;
import io.agentload.trajectory.Session;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deployments in whole simulated trials: conversation affinity against cache-aware routing. */
class DeploymentSimulationTest {

    private static final List<Session> SESSIONS = SimLoop.agenticSessions(40, 12, 5);

    /**
     * On four workers, keeping every agent's conversation on one worker hits the prefix cache at least as often as
     * routing each turn by its cached prefix: the agent's context is only ever on its own worker.
     */
    @Test
    void affinityHitsTheCacheAtLeastAsOftenAsCacheAwareRouting() {
        Simulation base = Simulation.of(EngineConfig.of("h200x8", "llama-3.1-8b")
                        .withDeployment(EngineConfig.Deployment.parse("unified=4x(tp2)")))
                .withSessions(SESSIONS).withWindow(Duration.ofSeconds(60)).withThreads(1);
        for (int agents : new int[] {16, 64}) {
            TrialMetrics cacheAware = base.trial(agents);
            TrialMetrics affinity = base.withEngine(c -> c.withRouting(EngineConfig.Routing.CONVERSATION)).trial(agents);
            assertTrue(affinity.cachedTokenRatio() >= cacheAware.cachedTokenRatio(),
                    agents + " agents: " + affinity.cachedTokenRatio() + " with affinity, " + cacheAware.cachedTokenRatio()
                            + " cache-aware");
            assertTrue(affinity.cachedTokenRatio() > 0.5, "agents' later turns hit: " + affinity.cachedTokenRatio());
        }
    }
}
