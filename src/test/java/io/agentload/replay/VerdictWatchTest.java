package io.agentload.replay;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Turn;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerdictWatchTest {

    private static final SloTier TIER = new SloTier(20, 6);
    private static final double WINDOW_END = 100;

    private static TurnRequest measured(int agent, double due) {
        Turn turn = new Turn("s" + agent, 0, "java", 1000, 0, "sys", 64, 200, 100, List.of());
        return new TurnRequest(0, agent, agent, turn, PromptLayout.first(turn), agent, 200,
                RequestRecord.Phase.MEASURED, due);
    }

    @Test
    void aRequestsWaitCountsFromItsOwnSendNotFromWhenItsAgentWasDue() {
        // The agent was due 1 s before the window closed; a starved client sent its call 5 s after. At 7 s past the
        // window, with no first token, its TTFT is at least 2 s, not 8 s: it may still meet a 6 s limit.
        VerdictWatch watch = new VerdictWatch(List.of(TIER), 1);
        double now = WINDOW_END + 7;
        assertTrue(watch.due(now, WINDOW_END));
        watch.inFlight(measured(0, WINDOW_END - 1), WINDOW_END + 5, Double.NaN, 0);
        assertFalse(watch.certain(now, WINDOW_END));
        assertFalse(watch.failsEveryTier(0));
    }

    @Test
    void aRequestNotYetSentHasWaitedNothing() {
        VerdictWatch watch = new VerdictWatch(List.of(TIER), 1);
        double now = WINDOW_END + 30;
        assertTrue(watch.due(now, WINDOW_END));
        watch.inFlight(measured(0, WINDOW_END - 1), Double.NaN, Double.NaN, 0);
        assertFalse(watch.failsEveryTier(0) || watch.certain(now, WINDOW_END));
    }

    @Test
    void aRequestWaitingPastTheLimitSinceItsSendFailsItsAgent() {
        VerdictWatch watch = new VerdictWatch(List.of(TIER), 1);
        double now = WINDOW_END + 7;
        assertTrue(watch.due(now, WINDOW_END));
        watch.inFlight(measured(0, WINDOW_END - 1), WINDOW_END - 0.5, Double.NaN, 0);
        assertTrue(watch.certain(now, WINDOW_END));
        assertTrue(watch.failsEveryTier(0));
    }

    @Test
    void anEndedRequestWhoseRecordHasNotComeLeavesItsAgentUndecided() {
        // All 200 tokens came within 2 s of the first (100 tok/s), the record not yet counted: bounding its speed at
        // the look, 12 s after the first token, would say 16.6 tok/s, failing a tier the agent in fact met.
        VerdictWatch watch = new VerdictWatch(List.of(TIER), 1);
        double now = WINDOW_END + 10;
        assertTrue(watch.due(now, WINDOW_END));
        TurnRequest r = measured(0, WINDOW_END - 3);
        watch.inFlight(r, WINDOW_END - 2.5, WINDOW_END - 2, 200);
        watch.ended(r);
        assertFalse(watch.certain(now, WINDOW_END));
        assertFalse(watch.failsEveryTier(0));
    }
}
