package io.agentload.replay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestRecordTest {

    static RequestRecord.Builder ok() {
        return RequestRecord.builder().trial(2, 5).turn("s1", 3, 99).phase(RequestRecord.Phase.MEASURED)
                .sendTime(10.0).writtenTime(10.001).firstByteTime(10.25).tokenTimes(10.5, 12.5).endTime(12.75).tokens(30_000, 28_000, 101);
    }

    @Test
    void derivedMetricsFollowTheFieldsDefinitions() {
        RequestRecord r = ok().interTokenLatencies(0.02f, 0.03f).build();
        assertEquals(0.5, r.ttft(), 0);
        assertEquals(0.25, r.timeToFirstByte(), 0);
        assertEquals(0.001, r.uploadTime(), 1e-12);
        assertEquals(2.0, r.generationTime(), 0);
        assertEquals(50.0, r.outputTokensPerSecond(), 0, "(101 - 1) tokens / 2 s");
        assertEquals(2.75, r.e2eLatency(), 0);
        assertTrue(r.ok());
        assertTrue(r.measured());
        assertEquals(2, r.interTokenLatencyCount());
    }

    @Test
    void theItlSummaryIsExactAndOutlivesTheGaps() {
        float[] gaps = new float[100];
        for (int i = 0; i < gaps.length; i++) gaps[i] = (i + 1) / 1000f;
        gaps[37] = 2.5f;    // one stall
        RequestRecord r = ok().interTokenLatencies(gaps).build();
        RequestRecord.ItlSummary itl = r.itl();
        assertEquals(100, itl.count());
        assertEquals((5050 - 38 + 2500) / 100_000.0, itl.mean(), 1e-7);
        assertEquals(0.0515, itl.p50(), 1e-7, "numpy: rank 49.5 between 0.051 and 0.052 (the stall took 0.038's place)");
        assertEquals(0.0911, itl.p90(), 1e-7);
        assertEquals(0.124, itl.p99(), 1e-6, "rank 98.01: a hundredth of the way from 0.100 to the stall");
        assertEquals(2.5f, itl.max(), 0);

        RequestRecord brief = r.withoutInterTokenLatencies();
        assertEquals(0, brief.interTokenLatencies().length);
        assertEquals(itl, brief.itl());
        assertEquals(100, brief.interTokenLatencyCount());
        assertFalse(brief.interTokenLatenciesKept());
        assertTrue(r.interTokenLatenciesKept());
        assertNotEquals(r, brief);
        assertEquals(brief, ok().itl(itl).build());
        assertEquals(RequestRecord.ItlSummary.EMPTY, ok().build().itl());
        assertTrue(ok().build().interTokenLatenciesKept(), "no gaps: nothing to keep");
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> new RequestRecord(0, 0, "s", 0, 0, RequestRecord.Phase.MEASURED, 0, 0, 0, 0, 0, 0, 1, -1, 3, "ok", "",
                        new float[] {0.1f}, itl, "", -1));
        assertEquals("1 gaps but a summary of 100 for session s turn 0 agent 0", mismatch.getMessage());
    }

    @Test
    void theRequestIdNamesTrialAgentReplayAndTurn() {
        assertEquals("2-5-63-3", ok().build().requestId());
        assertEquals("0-1-ffffffffffffffff-0", ok().trial(0, 1).turn("s1", 0, -1).build().requestId());
    }

    @Test
    void speedIsUndefinedBelowTwoTokensAndInfiniteWhenAllArriveAtOnce() {
        assertTrue(Double.isNaN(ok().tokens(10, 0, 1).build().outputTokensPerSecond()));
        assertEquals(Double.POSITIVE_INFINITY, ok().tokenTimes(11, 11).build().outputTokensPerSecond());
    }

    @Test
    void failuresKeepWhatWasMeasured() {
        RequestRecord r = RequestRecord.builder().trial(0, 1).turn("s", 0, 1).sendTime(3).endTime(3.01)
                .failed("refused", "POST http://127.0.0.1:9/v1/completions: connection refused").build();
        assertFalse(r.ok());
        assertTrue(Double.isNaN(r.ttft()));
        assertEquals(-1, r.cachedTokens());
        assertTrue(r.toString().contains("connection refused"));
    }

    @Test
    void equalityComparesInterTokenGapsByValueAndTheArrayIsCopied() {
        float[] gaps = {0.1f, 0.2f};
        RequestRecord a = ok().interTokenLatencies(gaps).build();
        gaps[0] = 9;
        assertEquals(ok().interTokenLatencies(0.1f, 0.2f).build(), a);
        a.interTokenLatencies()[1] = 7;
        assertEquals(0.2f, a.interTokenLatencies()[1]);
        assertNotEquals(ok().build(), a);
    }

    @Test
    void badCountsAndPhasesAreRejectedWithTheRequestNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ok().tokens(-1, 0, 0).build());
        assertTrue(e.getMessage().contains("session s1 turn 3 agent 5"), e.getMessage());
        assertEquals(RequestRecord.Phase.COOL_DOWN, RequestRecord.Phase.ofLabel("cool_down"));
        assertThrows(IllegalArgumentException.class, () -> RequestRecord.Phase.ofLabel("warmup"));
    }
}
