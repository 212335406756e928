package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recomputes every row of calibration.csv (docs/calibration.md) and holds it to the error the table states. */
class CalibrationTest {

    @Test
    void everyRowMatchesItsStatedSimulationAndError() throws IOException {
        List<Calibration.Row> rows = Calibration.rows();
        assertTrue(rows.size() >= 35);
        for (Calibration.Row row : rows) {
            Calibration.assertStated(row);
        }
    }

    @Test
    void denseHopperRowsAreWithinTwentyPercent() throws IOException {
        for (Calibration.Row row : Calibration.rows()) {
            boolean denseHopper = !Calibration.model(row.model()).moe() && row.system().startsWith("h");
            if (denseHopper && !row.id().endsWith("c250-tps")) {
                assertTrue(Math.abs(row.errorPercent()) <= 20, row.id() + " " + row.errorPercent() + "%");
            }
        }
    }

    /**
     * The rows docs/calibration.md names as missing the 25% goal, in five families each with what is known of it
     * there: 20K-token prefills of Qwen3-235B with data-parallel attention, Qwen3-30B-A3B at high token rates on GB200
     * (its Grace host), Llama 4 Maverick on 80 GB H100s at 1000/1000, Llama 4 Scout on one Blackwell GPU and on H100s, and DeepSeek
     * V4 on launch-era vLLM on B200.
     */
    private static final Set<String> NAMED_MISSES = Set.of(
            "trt-qwen3-h200-20k2k", "trt-qwen3-b200-20k2k",
            "trt-qwen3-30b-gb200-1k1k", "trt-qwen3-30b-gb200-128-2k", "trt-qwen3-30b-gb200-2k2k",
            "trt-maverick-h100-1k1k",
            "trt-scout-b200-1k1k", "trt-scout-gb200-1k1k", "trt-scout-b200-128-2k", "trt-scout-h100-1k1k",
            "lambda-v4pro-b200-8k2k-c32-tps", "lambda-v4pro-b200-8k2k-c32-ttft", "lambda-v4pro-b200-8k2k-c32-itl",
            "lambda-v4flash-b200-8k1k-c32-tps", "lambda-v4flash-b200-8k1k-c32-ttft", "lambda-v4flash-b200-8k1k-c32-itl");

    private static boolean moeOrFp4(Calibration.Row row) {
        return Calibration.model(row.model()).moe() || row.weights().equals("FP4");
    }

    /** Every MoE and FP4 row within 25% of its published figure but the named misses, which stay outside it. */
    @Test
    void moeAndFp4RowsAreWithinTwentyFivePercentButTheNamedMisses() throws IOException {
        int rows = 0;
        for (Calibration.Row row : Calibration.rows()) {
            if (!moeOrFp4(row)) continue;
            rows++;
            boolean within = Math.abs(row.errorPercent()) <= 25;
            assertEquals(!NAMED_MISSES.contains(row.id()), within, row.id() + " " + row.errorPercent() + "%");
        }
        assertTrue(rows >= 60, rows + " MoE and FP4 rows");
    }

    /**
     * The rows held out of the fit (a third of the first MoE and FP4 rows, chosen before it, and every row added after
     * it): within 25% but the named misses, with the mean absolute errors docs/calibration.md states (26.4% over all 45,
     * 10.2% over the 32 outside the named misses).
     */
    @Test
    void heldOutRowsAreWithinTwentyFivePercentButTheNamedMisses() throws IOException {
        double sum = 0;
        double sumWithin = 0;
        int n = 0;
        int within = 0;
        for (Calibration.Row row : Calibration.rows()) {
            if (!row.heldOut()) continue;
            assertTrue(moeOrFp4(row), row.id() + " is held out but neither MoE nor FP4");
            double error = Math.abs(row.errorPercent());
            sum += error;
            n++;
            if (NAMED_MISSES.contains(row.id())) continue;
            assertTrue(error <= 25, row.id() + " " + row.errorPercent() + "%");
            sumWithin += error;
            within++;
        }
        assertTrue(n >= 45, n + " held-out rows");
        assertEquals(26.4, sum / n, 0.05);
        assertEquals(10.2, sumWithin / within, 0.05);
    }

    /** Dense Llama 70B in FP4 on B200 and GB200 lands within 15%, as the same model in FP8 on H200 lands within 10%. */
    @Test
    void blackwellFp4RowsAreAsCloseAsHopperFp8Rows() throws IOException {
        for (Calibration.Row row : Calibration.rows()) {
            if (!row.model().equals("llama-3.1-70b")) continue;
            if (row.weights().equals("FP4")) {
                assertTrue(Math.abs(row.errorPercent()) < 15, row.id() + " " + row.errorPercent() + "%");
            } else if (row.system().equals("h200x8")) {
                assertTrue(Math.abs(row.errorPercent()) < 10, row.id() + " " + row.errorPercent() + "%");
            }
        }
    }
}
