package io.agentload.replay;

import io.agentload.sim.EngineConfig;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trial whose records keep only their gaps' summary (the default of {@code bench}, {@code replay} and the API) is
 * the trial that keeps every gap, less the gaps: the same records with the same summaries, and the same metrics, its
 * ITL percentiles counted as requests completed equal to the ones computed from every kept gap.
 */
class ItlDetailTest {

    /** The sample shipped before the agent's rhythm, kept as a fixture so that this test follows the simulator only. */
    private static final List<Session> SAMPLE = Trajectories.sessions(
            Trajectories.read(Path.of("src/test/resources/trajectory/coding-agent-sample-before-rhythm.parquet")));
    private static final TrialPlan PLAN = TrialPlan.defaults().withSeed(11).withWarmUpSeconds(0, 60)
            .withMeasurementSeconds(60);

    private static Trial trial(EngineConfig config, int agents, List<SloTier> open, boolean detail) {
        return VirtualTimeDriver.builder(config, SAMPLE).plan(PLAN).itlDetail(detail).build()
                .computeApart(0, agents, open).trial();
    }

    private static TrialMetrics.Percentiles sameTrialLessTheGaps(EngineConfig config, int agents, List<SloTier> open) {
        Trial detail = trial(config, agents, open, true), brief = trial(config, agents, open, false);
        assertTrue(detail.records().stream().allMatch(RequestRecord::interTokenLatenciesKept));
        assertTrue(brief.records().stream().noneMatch(r -> r.interTokenLatencies().length > 0), "no per-token lists");
        assertEquals(detail.records().stream().map(RequestRecord::withoutInterTokenLatencies).toList(), brief.records(),
                "the same records, each with the summary of its gaps");
        assertTrue(brief.records().stream().filter(r -> r.ok() && r.outputTokens() > 1)
                .allMatch(r -> r.itl().count() > 0 && r.itl().count() <= r.outputTokens() - 1),
                "a gap per chunk after the first (a speculative step's chunk holds several tokens)");

        TrialMetrics fromDetail = TrialMetrics.of(detail), fromBrief = TrialMetrics.of(brief);
        Trial uncounted = new Trial(detail.trial(), detail.agents(), detail.startTime(), detail.windowStart(),
                detail.windowEnd(), detail.endTime(), detail.warmUpCut(), detail.cutAtVerdict(), detail.records(),
                detail.power());
        TrialMetrics.Percentiles everyGap = TrialMetrics.of(uncounted).interTokenLatency();
        assertEquals(everyGap, fromDetail.interTokenLatency(), "counted as requests completed = from every gap");
        assertEquals(everyGap, fromBrief.interTokenLatency());
        assertEquals(fromDetail.toString(), fromBrief.toString());
        assertEquals(fromDetail.ttft(), fromBrief.ttft());
        assertEquals(fromDetail.e2eLatency(), fromBrief.e2eLatency());
        assertEquals(fromDetail.agentMetrics(), fromBrief.agentMetrics());
        for (SloTier tier : SloTier.defaults()) assertEquals(fromDetail.check(tier), fromBrief.check(tier));
        assertEquals(everyGap, TrialMetrics.of(brief.shifted(1234.5)).interTokenLatency(), "placed on the run's clock");
        return everyGap;
    }

    @Test
    void kvBoundH200WithPreemptions() {
        assertTrue(sameTrialLessTheGaps(EngineConfig.of("h200x8", "llama-3.1-70b").withMemoryUtilisation(0.6), 300,
                List.of()).p50() > 0);
    }

    @Test
    void rack() {
        assertTrue(sameTrialLessTheGaps(EngineConfig.of("gb300-nvl72", "deepseek-v3").withReplicas(2), 200, List.of())
                .p50() > 0);
    }

    @Test
    void speculativeDecoding() {
        assertTrue(sameTrialLessTheGaps(EngineConfig.of("h200x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(8)
                .withSpeculation(3, 0.7), 200, List.of()).p50() > 0);
    }

    @Test
    void trialCutAtItsVerdict() {
        EngineConfig config = EngineConfig.of("h200x8", "llama-3.1-70b");
        List<SloTier> open = List.of(new SloTier(60, 3));
        Trial cut = trial(config, 300, open, false);
        assertTrue(cut.cutAtVerdict() && cut.measured().stream().anyMatch(r -> !r.ok()), "the case is a cut trial");
        sameTrialLessTheGaps(config, 300, open); // no measured request completed before the cut: NaN both ways
    }

    @Test
    void onlyTheGapsOfSuccessfulMeasuredRequestsCount() {
        AgentPool pool = new AgentPool(SAMPLE, PLAN.withWarmUpSeconds(0, 60), 0, 1, 0, () -> true, r -> { });
        pool.keepGaps(false);
        double t = pool.firstSendTime(0);
        float[][] gaps = {{9f, 9f}, {0.25f, 0.5f}, {7f}, {0.125f}};
        for (int i = 0; i < gaps.length; i++) {
            TurnRequest request = pool.send(0, t).orElseThrow();
            assertEquals(i == 0 ? RequestRecord.Phase.WARM_UP : RequestRecord.Phase.MEASURED, request.phase());
            RequestRecord.Builder r = request.record().tokenTimes(t + 1, t + 2).endTime(t + 2)
                    .tokens(100, 0, gaps[i].length + 1).interTokenLatencies(gaps[i]);
            if (i == 2) r.failed("timeout", "request " + i);
            double[] due = new double[1];
            pool.completed(0, r.build(), (lane, time) -> due[0] = time);
            t = due[0];
        }
        Trial trial = pool.trial(PowerMeter.NONE);
        assertTrue(trial.records().stream().noneMatch(r -> r.interTokenLatencies().length > 0));
        assertEquals(List.of(2, 2, 1, 1), trial.records().stream().map(r -> r.itl().count()).toList());
        assertEquals(new TrialMetrics.Percentiles(0.25, 0.45, 0.495), TrialMetrics.of(trial).interTokenLatency(),
                "0.125, 0.25 and 0.5: not the warm-up's 9 s nor the timed-out request's 7 s");
    }
}
