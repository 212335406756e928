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
        assertTrue(rows.size() >= 31);
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
}
