package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reruns calibration.csv's rack rows (docs/calibration.md, "Rack rows") and holds each to the simulated figure and
 * error it states. When the cost model moves on purpose, {@code -Dcalibration.update=true} rewrites those two columns
 * of the rack rows in the source tree's calibration.csv from the simulation (the one-replica rows are left as they
 * are).
 */
class RackCalibrationTest {

    private static final Path SOURCE = Path.of("src/test/resources/io/agentload/sim", Calibration.CSV);

    @Test
    void everyRackRowMatchesItsStatedSimulationAndError() throws IOException {
        List<Calibration.Row> rows = Calibration.rackRows();
        assertTrue(rows.size() >= 3, rows.size() + " rack rows");
        if (Boolean.getBoolean("calibration.update")) update();
        for (Calibration.Row row : rows) {
            assertTrue(row.heldOut(), row.id() + ": rack rows are held out of every fit");
            Calibration.assertStated(row);
        }
    }

    /** A rack row names a disaggregated rack as its source states it, whatever part of it the row measures. */
    @Test
    void rackRowsNameBothPoolsOfTheirDeployment() throws IOException {
        for (Calibration.Row row : Calibration.rackRows()) {
            EngineConfig.Deployment d = row.deployment();
            assertTrue(d.disaggregated(), row.id());
            assertEquals(row.tp(), d.generation().gpus(), row.id() + ": a decode row's figure is per decode GPU");
            assertFalse(row.systemName().contains("("), row.id());
        }
    }

    /**
     * A rack row of another metric runs its whole deployment, context and generation pools both (e.g. a closed-loop
     * benchmark of a disaggregated recipe), where a {@code decode_tps_gpu} row runs the generation pool alone.
     */
    @Test
    void aRackRowOfAnotherMetricRunsBothPools() {
        Calibration.Row row = Calibration.parse("example,deepseek-r1-fp4,native,FP8,b200x8 ctx=1x(tp4;ep4;dp4);"
                + "gen=1x(tp4;ep4;dp4),8,1024,128,256,64,256,4096,0,output_tps,1,1,0,true,a synthetic example");
        EngineConfig whole = Calibration.config(row);
        assertTrue(whole.deployment().disaggregated());
        assertEquals(8, whole.gpusUsed());
        EngineConfig decode = Calibration.config(Calibration.parse(String.join(",", "example,deepseek-r1-fp4,native,FP8",
                "b200x8 ctx=1x(tp4;ep4;dp4);gen=1x(tp4;ep4;dp4),4,1024,128,256,0,256,4096,0,decode_tps_gpu,1,1,0,true,x")));
        assertFalse(decode.deployment().disaggregated());
        assertEquals(4, decode.gpusUsed());
        assertTrue(Calibration.simulate(row) > 0, "the closed loop runs through the context and generation pools");
    }

    /** Rewrites the simulated and error columns of the rack rows from the simulation. */
    private static void update() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(SOURCE, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("id,")) {
                out.add(line);
                continue;
            }
            Calibration.Row row = Calibration.parse(line);
            if (row.deployment() == null) {
                out.add(line);
                continue;
            }
            double simulated = Calibration.simulate(row);
            String[] f = line.split(",", 19);
            f[15] = String.format(Locale.ROOT, simulated >= 100 ? "%.0f" : "%.5g", simulated);
            f[16] = String.format(Locale.ROOT, "%.1f", 100 * (Double.parseDouble(f[15]) / row.published() - 1));
            out.add(String.join(",", f));
        }
        Files.write(SOURCE, out, StandardCharsets.UTF_8);
        throw new IllegalStateException("calibration.csv's rack rows rewritten in " + SOURCE.toAbsolutePath()
                + ": rerun without -Dcalibration.update");
    }
}
