package io.agentload.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The systems and models of AA-AgentPerf's launch chart, pinned to their datasheets and config.json files. */
class LaunchProfilesTest {

    @Test
    void b300x8IsAnHgxB300FromItsDatasheets() {
        SystemProfile s = SystemProfile.named("b300x8");
        SystemProfile.Gpu g = s.gpu();
        assertEquals("b300", g.name());
        assertEquals(8, s.gpus());
        assertEquals(8, s.scaleUpDomain());
        assertEquals(288e9, g.hbmBytes(), 0.01e9);
        assertEquals(8e12, g.hbmBytesPerSecond());
        // HGX B300 per 8 GPUs: 108 PFLOPS dense FP4, 72 FP8 and 36 BF16 sparse.
        assertEquals(108e15 / 8, g.flops(Precision.FP4));
        assertEquals(72e15 / 8 / 2, g.flops(Precision.FP8));
        assertEquals(36e15 / 8 / 2, g.flops(Precision.BF16));
        assertEquals(900e9, g.scaleUpBytesPerSecond());
        assertEquals(1100, g.tdpWatts());
        assertEquals(14500, s.maxWatts());
        assertEquals(100e9, s.scaleOutBytesPerSecondPerGpu());
        assertEquals("node", s.boundary());
        assertTrue(g.flops(Precision.FP4) < SystemProfile.named("gb300-nvl72").gpu().flops(Precision.FP4),
                "the 1100 W HGX part runs FP4 below the 1400 W GB300's 15 PFLOPS");
    }

    @Test
    void fp4OnHopperRunsAtTheFp8RateFromWeightsReadAtFourBits() {
        for (String name : new String[] {"h100x8", "h200x8"}) {
            SystemProfile.Gpu g = SystemProfile.named(name).gpu();
            assertEquals(0, g.fp4Flops(), name + " has no FP4 tensor cores");
            assertEquals(1979e12, g.flops(Precision.FP4), name);
            assertEquals(g.flops(Precision.FP8), g.flops(Precision.FP4), name);
        }
        assertEquals(4.25 / 8, Precision.FP4.bytes(), "MXFP4 weights are read at 4.25 bits whatever the GPU");
    }
}
