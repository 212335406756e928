package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recomputes every row of calibration.csv (docs/calibration.md) and holds it to the error the table states. */
class CalibrationTest {

    @Test
    void everyRowMatchesItsStatedSimulationAndError() throws IOException {
        List<Calibration.Row> rows = Calibration.rows();
        assertTrue(rows.size() >= 35);
        for (Calibration.Row row : rows) {
            double simulated = Calibration.simulate(row);
            assertEquals(row.simulated(), simulated, 0.005 * row.simulated(), row.id() + ": simulation changed");
            double error = 100 * (simulated / row.published() - 1);
            assertEquals(row.errorPercent(), error, 0.5, row.id() + ": stated error");
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

    /** The documented reading of the MoE rows: the simulator overestimates every one, so its MoE results are upper bounds. */
    @Test
    void everyMoeRowIsOptimistic() throws IOException {
        int moe = 0;
        for (Calibration.Row row : Calibration.rows()) {
            if (!Calibration.model(row.model()).moe()) continue;
            moe++;
            assertTrue(row.errorPercent() > 0, row.id() + " " + row.errorPercent() + "%");
        }
        assertTrue(moe >= 15, moe + " MoE rows");
    }

    /**
     * The documented reading of the FP4 rows: on B200 and GB200 the simulator's FP4 results run 30-65% high on dense
     * Llama while the same model in FP8 on H200 lands within 10%, at every sequence shape published for both.
     */
    @Test
    void blackwellFp4RowsAreOptimisticWhereHopperFp8RowsAreNot() throws IOException {
        for (Calibration.Row row : Calibration.rows()) {
            if (Calibration.model(row.model()).moe() || !row.model().equals("llama-3.1-70b")) continue;
            if (row.weights().equals("FP4")) {
                assertTrue(row.errorPercent() > 25 && row.errorPercent() < 70, row.id() + " " + row.errorPercent() + "%");
            } else if (row.system().equals("h200x8")) {
                assertTrue(Math.abs(row.errorPercent()) < 10, row.id() + " " + row.errorPercent() + "%");
            }
        }
    }
}
