package io.agentload.analysis;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogBinsTest {

    @Test
    void edgesAreCeilingsOfPowersOfTenAndExactAtDecades() {
        assertEquals(1000, LogBins.edge(30, 10));
        assertEquals(1259, LogBins.edge(31, 10));        // 10^3.1 = 1,258.93
        assertEquals(100_000, LogBins.edge(50, 10));
        assertEquals(1_000_000_000_000L, LogBins.edge(24, 2));
        assertEquals(32, LogBins.edge(3, 2));           // 10^1.5 = 31.62
    }

    @Test
    void aValueFallsInTheBinWhoseIntegerEdgesHoldIt() {
        assertEquals(30, LogBins.binOf(1000, 10));
        assertEquals(30, LogBins.binOf(1258, 10));
        assertEquals(31, LogBins.binOf(1259, 10));
        assertEquals(0, LogBins.binOf(1, 10));
        assertEquals(2, LogBins.binOf(999, 1));
        assertEquals(3, LogBins.binOf(1000, 1));
    }

    @Test
    void binsTileTheRangeDropEmptyWidthBinsAndCountZerosApart() {
        // With 10 bins a decade the edges below 10 are 1 2 2 2 3 4 4 6 7 8 10: duplicates leave no width.
        List<LogBins.Bin> bins = LogBins.of(new long[] {0, 0, 1, 2, 3, 9, 10}, 10);
        assertEquals(List.of(new LogBins.Bin(0, 1, 2), new LogBins.Bin(1, 2, 1), new LogBins.Bin(2, 3, 1),
                new LogBins.Bin(3, 4, 1), new LogBins.Bin(4, 6, 0), new LogBins.Bin(6, 7, 0),
                new LogBins.Bin(7, 8, 0), new LogBins.Bin(8, 10, 1), new LogBins.Bin(10, 13, 1)), bins);
        assertEquals(List.of(new LogBins.Bin(0, 1, 3)), LogBins.of(new long[] {0, 0, 0}, 10));
        assertEquals(List.of(), LogBins.of(new long[0], 10));
        assertThrows(IllegalArgumentException.class, () -> LogBins.of(new long[] {-1}, 10));
    }
}
