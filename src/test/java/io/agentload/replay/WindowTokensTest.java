package io.agentload.replay;

import io.agentload.sim.EngineConfig;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.agentload.replay.RequestRecord.Phase.COOL_DOWN;
import static io.agentload.replay.RequestRecord.Phase.MEASURED;
import static io.agentload.replay.RequestRecord.Phase.WARM_UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A trial's output throughput counts the tokens generated within its window, by any request ({@link WindowTokens}). */
class WindowTokensTest {

    private static final List<Session> SAMPLE = Trajectories.sessions(
            Trajectories.read(Path.of("src/test/resources/trajectory/coding-agent-sample-before-rhythm.parquet")));

    @Test
    void aTokenCountsWhenItsStepEndedAfterTheWindowOpenedAndNoLaterThanItClosed() {
        WindowTokens w = WindowTokens.over(10, 20);
        w.add(10, 5);                              // the step ended as the window opened: it worked before
        w.add(10.5, 2);
        w.add(new double[] {9, 10, 19.5, 20, 20.5}, 0, 5); // 19.5 and 20 count
        w.add(new double[] {1, 2}, 0, 2);          // all before
        w.add(20, 1);
        w.add(20.000001, 4);
        assertEquals(2 + 2 + 1, w.tokens());
    }

    @Test
    void tokensReportedBeforeTheWindowIsKnownAreHeldOnlyAfterTheBound() {
        WindowTokens w = new WindowTokens(5);
        w.add(4, 3);                               // at most the bound: vouched outside the window, dropped
        w.add(6, 2);
        w.add(new double[] {4.5, 5.5, 7}, 0, 3);   // held whole, counted by time once the window is known
        assertFalse(w.isOpen());
        w.open(5.5, 15);
        w.add(15, 1);
        w.add(15.5, 1);
        assertEquals(2 + 1 + 1, w.tokens(), "6 (2 tokens), 7 and 15; 4.5 and 5.5 are not after 5.5");
    }

    @Test
    void chunksCarryTheirRequestsTokensEvenly() {
        WindowTokens w = WindowTokens.over(10, 20);
        w.add(new double[] {8, 9, 11, 12}, 10);    // half of the chunks in the window: 5 of 10 tokens
        w.add(new double[] {8, 11, 12}, 4);        // 4 x 2 / 3 = 2.67, rounded
        w.add(new double[] {11, 12, 13}, 300);     // every chunk in: every token
        w.add(new double[] {19, 21}, 1);           // 0.5 rounds up
        assertEquals(5 + 3 + 300 + 1, w.tokens());
    }

    /**
     * Window (100, 110]. A warm-up answer streaming across the window's opening, a measured one across its close (cut
     * after it, as a trial cut at its verdict keeps it), one inside and a cool-down answer outside.
     */
    @Test
    void aTrialAssembledFromRecordsCountsTheirTokensByTime() {
        RequestRecord warmUp = RequestRecord.builder().trial(0, 0).turn("a", 1, 1).phase(WARM_UP).sendTime(98)
                .firstByteTime(99).tokenTimes(99, 101.5).endTime(101.5).tokens(1000, 0, 6)
                .interTokenLatencies(0.5f, 0.5f, 0.5f, 0.5f, 0.5f).build(); // tokens at 99, 99.5 ... 101.5: 3 after 100
        RequestRecord straddling = RequestRecord.builder().trial(0, 1).turn("b", 1, 2).phase(MEASURED).sendTime(108)
                .firstByteTime(109).tokenTimes(109, 113).endTime(113).tokens(1000, 0, 5).build(); // 109, 110 ... 113
        RequestRecord inside = RequestRecord.builder().trial(0, 0).turn("a", 2, 1).phase(MEASURED).sendTime(102)
                .firstByteTime(103).tokenTimes(103, 103).endTime(103).tokens(1000, 0, 1).build();
        RequestRecord coolDown = RequestRecord.builder().trial(0, 0).turn("a", 3, 1).phase(COOL_DOWN).sendTime(111)
                .firstByteTime(112).tokenTimes(112, 114).endTime(114).tokens(1000, 0, 20).build();
        Trial t = new Trial(0, 2, 90, 100, 110, 114, false, false, List.of(warmUp, inside, straddling, coolDown),
                Optional.empty());
        assertEquals(3 + 2 + 1, t.outputTokensInWindow());
        assertEquals(0.6, TrialMetrics.of(t).outputTokensPerSecond(), 1e-12);
    }

    /**
     * The simulator counts every token as the engine reports it: the same count that the records' kept gaps give
     * (up to the float rounding of gaps summed over a long answer, which may move a token across an edge).
     */
    @Test
    void theSimulatorsCountIsTheRecordsTokensByTime() {
        EngineConfig h200 = EngineConfig.of("h200x8", "llama-3.1-70b");
        Trial t = VirtualTimeDriver.builder(h200, SAMPLE).plan(TrialPlan.defaults().withMeasurementSeconds(60)).build()
                .run(0, 48, r -> { });
        long fromRecords = WindowTokens.ofRecords(t.records(), t.windowStart(), t.windowEnd());
        assertTrue(t.windowOutputTokens() > 0);
        assertEquals(fromRecords, t.windowOutputTokens(), 1e-3 * fromRecords);
        long measuredAnswers = t.measured().stream().filter(RequestRecord::answered)
                .mapToLong(RequestRecord::outputTokens).sum();
        assertTrue(t.windowOutputTokens() != measuredAnswers, "warm-up tokens in the window count, cool-down ones not");
    }

    /**
     * A warm-up cut at its maximum opens the window at the maximum, which the pool learns of only at the next event
     * after it: the count still agrees with the records' tokens by time (equal here; 2 tokens of slack for the float
     * gaps).
     */
    @Test
    void aWindowOpenedAtTheMaximumWarmUpCountsTheTokensReportedBeforeItWasKnown() {
        EngineConfig h200 = EngineConfig.of("h200x8", "llama-3.1-70b");
        TrialPlan plan = TrialPlan.defaults().withWarmUpSeconds(0, 0.3).withMeasurementSeconds(20);
        Trial t = VirtualTimeDriver.builder(h200, SAMPLE).plan(plan).build().run(0, 48, r -> { });
        assertTrue(t.warmUpCut());
        long fromRecords = WindowTokens.ofRecords(t.records(), t.windowStart(), t.windowEnd());
        assertTrue(fromRecords > 0);
        assertEquals(fromRecords, t.windowOutputTokens(), 2, "the records' kept gaps, summed from each first token");
    }
}
