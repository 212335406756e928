package io.agentload.replay;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.agentload.replay.RequestRecord.Phase.COOL_DOWN;
import static io.agentload.replay.RequestRecord.Phase.MEASURED;
import static io.agentload.replay.RequestRecord.Phase.WARM_UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialMetricsTest {

    private static RequestRecord.Builder request(int agent, RequestRecord.Phase phase, double send, double ttft,
                                                 double generation, int output) {
        return RequestRecord.builder().trial(4, agent).turn("s" + agent, 1, 9).phase(phase).sendTime(send)
                .firstByteTime(send + ttft).tokenTimes(send + ttft, send + ttft + generation)
                .endTime(send + ttft + generation).tokens(1000, 800, output);
    }

    /**
     * Window [100, 110). Agent 0: two good requests (100 tokens in 2 s, 50 in 0.5 s: 60 tok/s; TTFT 0.5 and 1.0).
     * Agent 1: one good request (10 tokens in 1 s, TTFT 2) and one timeout. Agent 2: held by a warm-up request for
     * the whole window. Agent 3: in tool time through the window. Warm-up and cool-down requests are not judged; none
     * of them generated a token within the window, so the throughput is the measured answers' tokens.
     */
    static Trial trial() {
        return new Trial(4, 4, 0, 100, 110, 113, false, false, List.of(
                request(0, WARM_UP, 95, 0.1, 1, 11).build(),
                request(0, MEASURED, 100, 0.5, 2, 101).interTokenLatencies(0.02f, 0.02f, 0.03f).build(),
                request(0, MEASURED, 103, 1.0, 0.5, 51).tokens(1200, 1000, 51).interTokenLatencies(0.01f).build(),
                request(1, MEASURED, 101, 2.0, 1, 11).tokens(2000, -1, 11).build(),
                request(1, MEASURED, 105, Double.NaN, Double.NaN, 0).endTime(108).failed("timeout", "no token in 3 s").build(),
                request(2, WARM_UP, 99, 12, 1, 5).build(),
                request(3, WARM_UP, 90, 0.2, 1, 11).build(),
                request(0, COOL_DOWN, 110.5, 0.1, 1, 500).build()),
                Optional.of(new TrialMetrics.MeanPower(5000, "node, modelled")));
    }

    @Test
    void windowMetricsAreExact() {
        TrialMetrics m = TrialMetrics.of(trial());
        assertEquals(4, m.measuredRequests());
        assertEquals(1, m.failedRequests());
        assertEquals((101 + 51 + 11) / 10.0, m.outputTokensPerSecond(), 1e-12);
        assertEquals(0.3, m.requestsPerSecond(), 1e-12);
        assertEquals(1800.0 / 2200.0, m.cachedTokenRatio(), 1e-12, "agent 1 did not report cached tokens");
        assertEquals(new TrialMetrics.Percentiles(1.0, 1.8, 1.98), rounded(m.ttft()));
        assertEquals(new TrialMetrics.Percentiles(2.5, 2.9, 2.99), rounded(m.e2eLatency()));
        assertEquals(0.02, m.interTokenLatency().p50(), 1e-7);
        assertEquals(0.027, m.interTokenLatency().p90(), 1e-7);
        assertEquals(Optional.of(new TrialMetrics.MeanPower(5000, "node, modelled")), m.power());
    }

    @Test
    void itlPercentilesNeedEveryGapOrTheRecordedOnes() {
        Trial t = trial();
        Trial brief = new Trial(t.trial(), t.agents(), t.startTime(), t.windowStart(), t.windowEnd(), t.endTime(),
                t.warmUpCut(), t.cutAtVerdict(), t.records().stream().map(RequestRecord::withoutInterTokenLatencies).toList(), t.power());
        TrialMetrics.Percentiles whole = TrialMetrics.of(t).interTokenLatency();
        assertTrue(Double.isNaN(TrialMetrics.of(brief).interTokenLatency().p50()),
                "no gaps, no figure rather than a wrong one");
        TrialMetrics.Percentiles recorded = new TrialMetrics.Percentiles(0.02, 0.027, 0.0297);
        assertEquals(recorded, TrialMetrics.of(brief, recorded).interTokenLatency());
        assertEquals(whole, TrialMetrics.of(t, recorded).interTokenLatency(), "kept gaps are recomputed");
        assertEquals(TrialMetrics.of(t).toString(), TrialMetrics.of(brief, recorded).toString());
    }

    private static TrialMetrics.Percentiles rounded(TrialMetrics.Percentiles p) {
        return new TrialMetrics.Percentiles(Math.round(p.p50() * 1e9) / 1e9, Math.round(p.p90() * 1e9) / 1e9,
                Math.round(p.p99() * 1e9) / 1e9);
    }

    @Test
    void agentsAreJudgedOnTokenWeightedSpeedAndTheirP90Ttft() {
        List<TrialMetrics.AgentMetrics> agents = TrialMetrics.of(trial()).agentMetrics();
        TrialMetrics.AgentMetrics a0 = agents.get(0);
        assertEquals(150.0 / 2.5, a0.outputTokensPerSecond(), 1e-12, "(100 + 50) tokens over (2 + 0.5) s");
        assertEquals(0.95, a0.ttft(), 1e-12, "p90 of 0.5 and 1.0");
        assertEquals(152, a0.outputTokens());
        assertTrue(a0.judged());
        assertEquals(1, agents.get(1).failedRequests());
        assertTrue(agents.get(2).judged(), "held by the server through the window");
        assertEquals(0, agents.get(2).requests());
        assertFalse(agents.get(3).judged(), "in tool time through the window");
        assertTrue(a0.meets(new SloTier(60, 0.95)));
        assertFalse(a0.meets(new SloTier(60.001, 0.95)));
        assertFalse(a0.meets(new SloTier(60, 0.949)));
    }

    @Test
    void tierChecksCountJudgedAgentsAndGoodput() {
        TrialMetrics m = TrialMetrics.of(trial());
        TrialMetrics.TierCheck half = m.check(new SloTier(50, 1.0, 0.5));
        assertEquals(3, half.agentsJudged());
        assertEquals(1, half.agentsPassing());
        assertEquals(1.0 / 3, half.sharePassing(), 1e-12);
        assertFalse(half.passed());
        assertEquals(0.2, half.goodput(), 1e-12, "two requests met TTFT <= 1 s and 50 tok/s in 10 s");
        assertEquals(0, half.agentOutputTokensPerSecond(), 0, "the median judged agent was not served");
        assertTrue(m.check(new SloTier(50, 1.0, 0.3)).passed());
        assertEquals(24, m.check(new SloTier(50, 1.0, 0.3)).agentOutputTokensPerSecond(), 1e-9,
                "the 70th percentile of judged agents' speeds [0, 0, 60]: rank 1.4, so 0 + 0.4 x 60");
    }

    @Test
    void aTrialWithNothingMeasuredFailsEveryTier() {
        Trial idle = new Trial(0, 1, 0, 10, 20, 20, true, false, List.of(request(0, WARM_UP, 1, 0.1, 1, 5).build()),
                Optional.empty());
        TrialMetrics m = TrialMetrics.of(idle);
        assertEquals(0, m.measuredRequests());
        assertTrue(Double.isNaN(m.ttft().p50()));
        assertTrue(Double.isNaN(m.cachedTokenRatio()));
        assertFalse(m.check(new SloTier(1, 100)).passed());
        assertEquals(0, m.check(new SloTier(1, 100)).agentsJudged());
    }

    /**
     * Window [100, 110), ended by a 21 s grace at 131. Every agent has one good measured request (100 tokens in 2 s,
     * TTFT 0.5) and one sent at 109 still running at the cut: agent 0's had 301 tokens from 110 to 130.9
     * ({@code cut_at_grace}), agent 1's no first token ({@code cut_at_end}), agent 2's the same stream as agent 0's
     * but recorded {@code cut_at_end} as runs before {@code cut_at_grace} did.
     */
    @Test
    void aRequestCutAtTheGraceIsJudgedOnWhatItReceivedAndOneWithoutAFirstTokenFails() {
        RequestRecord partial = request(0, MEASURED, 109, 1.0, 20.9, 301).endTime(131)
                .failed(RequestRecord.CUT_AT_GRACE, "in flight when trial 4 ended").build();
        RequestRecord oldCut = request(2, MEASURED, 109, 1.0, 20.9, 301).endTime(131)
                .failed(RequestRecord.CUT_AT_END, "in flight when trial 4 ended").build();
        RequestRecord noFirstToken = request(1, MEASURED, 109, Double.NaN, Double.NaN, 0).endTime(131)
                .failed(RequestRecord.CUT_AT_END, "in flight when trial 4 ended").build();
        Trial t = new Trial(4, 3, 0, 100, 110, 131, false, false, List.of(
                request(0, MEASURED, 100, 0.5, 2, 101).build(), request(1, MEASURED, 100, 0.5, 2, 101).build(),
                request(2, MEASURED, 100, 0.5, 2, 101).build(), partial, noFirstToken, oldCut), Optional.empty());

        assertTrue(partial.answered() && !partial.ok());
        assertEquals(300 / 21.0, partial.outputTokensPerSecond(), 1e-12, "tokens after the first over first token to cut");
        TrialMetrics m = TrialMetrics.of(t);
        assertEquals(6, m.measuredRequests());
        assertEquals(2, m.failedRequests(), "the request without a first token and the old cut_at_end");
        assertEquals(0.3, m.requestsPerSecond(), 1e-12, "requests that ended");
        assertEquals((3 * 101 + 2) / 10.0, m.outputTokensPerSecond(), 1e-12,
                "tokens generated in the window: three answers and, of each 301-token stream, its first (at 110.0, "
                        + "the window's close; the rest came after it)");
        assertEquals(new TrialMetrics.Percentiles(0.5, 0.85, 0.985), rounded(m.ttft()), "TTFT [0.5, 0.5, 0.5, 1.0]");
        assertEquals(2.5, m.e2eLatency().p99(), 1e-12, "a cut request's end is unknown: left out");

        TrialMetrics.AgentMetrics a0 = m.agentMetrics().get(0);
        assertEquals(0, a0.failedRequests());
        assertEquals(402, a0.outputTokens());
        assertEquals(400 / 23.0, a0.outputTokensPerSecond(), 1e-12, "(100 + 300) tokens over (2 + 21) s");
        assertEquals(0.95, a0.ttft(), 1e-12);
        assertTrue(a0.meets(new SloTier(17, 1)));
        assertFalse(a0.meets(new SloTier(18, 1)), "the time to the cut counts: 17.4 tok/s");
        assertFalse(a0.meets(new SloTier(17, 0.9)));
        for (int a : new int[] {1, 2}) {
            assertEquals(1, m.agentMetrics().get(a).failedRequests());
            assertFalse(m.agentMetrics().get(a).meets(new SloTier(1, 100)), "agent " + a);
        }
        assertEquals(1 / 3.0, m.check(new SloTier(17, 1, 0.3)).sharePassing(), 1e-12);
        assertEquals(0.3, m.check(new SloTier(17, 1, 0.3)).goodput(), 1e-12, "the cut request's 14.3 tok/s misses 17");

        RequestRecord silent = request(0, MEASURED, 109, 1.0, 0, 1).endTime(131)
                .failed(RequestRecord.CUT_AT_GRACE, "in flight").build();
        assertEquals(0, silent.outputTokensPerSecond(), "one token and silence to the cut: 0 tok/s, not undefined");
    }

    /** A reason column read back names its value and the known ones when the value is not one of them. */
    @Test
    void aPhaseReasonReadBackNamesAnUnknownValue() {
        assertEquals(TrialMetrics.WindowOpened.FIRST_BURST_BEHIND, TrialMetrics.WindowOpened.of("first_burst_behind"));
        assertEquals(TrialMetrics.CoolDownEnded.VERDICT_CERTAIN, TrialMetrics.CoolDownEnded.of("verdict_certain"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrialMetrics.CoolDownEnded.of("FIRST_BURST"));
        assertTrue(e.getMessage().contains("cool_down_ended value 'FIRST_BURST'") && e.getMessage().contains("grace"),
                e.getMessage());
    }
}
