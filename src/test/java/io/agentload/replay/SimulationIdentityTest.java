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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator's speed-ups change no result (issue #13): trials on the shipped sample give, bit for bit, the record
 * streams and engine counters the simulator gave before them. The expected fingerprints were taken before the
 * speed-ups; a change that alters one must explain why in docs/simulator-speed.md.
 */
class SimulationIdentityTest {

    /** The sample shipped before the agent's rhythm, kept as a fixture so that this test follows the simulator only. */
    private static final List<Session> SAMPLE = Trajectories.sessions(
            Trajectories.read(Path.of("src/test/resources/trajectory/coding-agent-sample-before-rhythm.parquet")));
    private static final TrialPlan PLAN = TrialPlan.defaults().withSeed(11).withWarmUpSeconds(0, 60)
            .withMeasurementSeconds(60);

    /** Records and counters of one trial, folded into one number. */
    private record Outcome(long fingerprint, int records, Engine.Counters counters) {}

    private static Outcome trial(EngineConfig config, int agents) {
        List<RequestRecord> records = new ArrayList<>();
        // Unprimed: the fingerprints were taken before trials primed each agent's context (docs/design.md).
        VirtualTimeDriver driver = VirtualTimeDriver.builder(config, SAMPLE).plan(PLAN).primeCache(false).build();
        driver.run(0, agents, records::add);
        Engine.Counters c = driver.lastEngine().counters();
        long h = 17;
        for (RequestRecord r : records) {
            h = fold(h, r.agent(), r.sessionId().hashCode(), r.turn(), r.salt(), r.phase().ordinal(),
                    bits(r.sendTime()), bits(r.firstTokenTime()), bits(r.lastTokenTime()), bits(r.endTime()),
                    r.inputTokens(), r.cachedTokens(), r.outputTokens(), r.status().hashCode());
            for (float g : r.interTokenLatencies()) h = fold(h, Float.floatToIntBits(g));
        }
        h = fold(h, c.submittedRequests(), c.finishedRequests(), c.cancelledRequests(), c.steps(), c.prefilledTokens(),
                c.cacheHitTokens(), c.outputTokens(), c.preemptions(), c.evictions(), bits(c.transferredBytes()),
                c.kvBlocksUsed(), c.kvBlocksCached(), bits(c.time()), bits(c.gpuEnergyJoules()),
                bits(c.systemEnergyJoules()));
        return new Outcome(h, records.size(), c);
    }

    private static long bits(double d) {
        return Double.doubleToLongBits(d);
    }

    private static long fold(long h, long... values) {
        for (long v : values) h = (h ^ v) * 0x100000001b3L + (h >>> 29);
        return h;
    }

    private static void check(String what, long expected, Outcome o) {
        assertEquals(expected, o.fingerprint(), what + ": " + o.records() + " records, " + o.counters());
    }

    @Test
    void kvBoundH200WithPreemptionsAndFailedAdmissions() {
        Outcome o = trial(EngineConfig.of("h200x8", "llama-3.1-70b").withMemoryUtilisation(0.6), 400);
        assertTrue(o.counters().preemptions() > 0 && o.counters().evictions() > 0, o.counters().toString());
        check("h200x8 llama-3.1-70b, 60% memory, 400 agents", -7390004297516946259L, o);
    }

    /**
     * Moved when data-parallel attention ranks got their own schedulers and stepped as the slowest (AttentionRanks),
     * and when every rank came to hold all weights but the routed experts, the LM head in BF16 (ModelProfile.rankWeightBytes).
     */
    @Test
    void rackDeepSeek() {
        check("gb300-nvl72 deepseek-v3, 200 agents", -2923619745977715648L, trial(EngineConfig.of("gb300-nvl72", "deepseek-v3"), 200));
    }

    @Test
    void disaggregated() {
        Outcome o = trial(EngineConfig.of("h200x8", "llama-3.1-70b").withTensorParallel(2).withDisaggregation(2, 2), 150);
        assertTrue(o.counters().transferredBytes() > 0, o.counters().toString());
        check("h200x8 llama-3.1-70b, 2 prefill + 2 decode TP2, 150 agents", 4828742992488315135L, o);
    }

    /** Decode ranks each receive KV transfers of their own, while their worker steps as one (taken before change 11). */
    @Test
    void disaggregatedDataParallelRanks() {
        Outcome o = trial(EngineConfig.of("gb300-nvl72", "deepseek-v3").withDeployment(
                EngineConfig.Deployment.parse("ctx=2x(tp4,ep4,dp4),gen=2x(tp8,ep8,dp8)")), 150);
        assertTrue(o.counters().transferredBytes() > 0, o.counters().toString());
        check("gb300-nvl72 deepseek-v3, 2 prefill dp4 + 2 decode dp8, 150 agents", 1576254490169042188L, o);
    }

    @Test
    void speculative() {
        check("h200x8 llama-3.1-8b TP1 x 8, speculation, 300 agents", -2834398887422440642L,
                trial(EngineConfig.of("h200x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(8)
                        .withSpeculation(3, 0.7), 300));
    }
}
