package io.agentload.power;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The examples of {@link Power}'s and {@link PowerSampler}'s Javadoc, run as written against a fake nvidia-smi. */
class PowerTest {

    @TempDir
    Path runDir;

    @Test
    void theJavadocExampleRuns() throws Exception {
        Path nvidiaSmi = runDir.resolve("nvidia-smi");
        Files.writeString(nvidiaSmi, "#!/bin/sh\nprintf '0, 540.00, 560.00\\n1, 540.00, 530.00\\n'\n");
        Files.setPosixFilePermissions(nvidiaSmi, PosixFilePermissions.fromString("rwx------"));
        double maxAgents = 2.8;

        PowerSampler sampler = Power.source("nvidia-smi=" + nvidiaSmi).sampler().build();
        while (sampler.polls() < 1) Thread.sleep(20); // warm-up: the first reading opens each GPU's series
        double t0 = sampler.now();
        while (sampler.polls() < 6) Thread.sleep(20);
        double t1 = sampler.now();
        PowerSummary power = sampler.stop().summary(t0, t1);
        double agentsPerMw = power.agentsPerMegawatt(maxAgents);

        assertEquals(1080, power.meanWatts(), 1e-9);
        assertEquals(2.8 / 1080e-6, agentsPerMw, 1e-6);
        assertEquals("GPU only, measured by nvidia-smi", power.label());
        assertFalse(power.lowCoverage(), "coverage " + power.coverage());

        sampler.samples().write(runDir.resolve("power.parquet"));
        PowerSummary again = Power.read(runDir.resolve("power.parquet")).summary(t0, t1);
        assertEquals(power, again);
    }
}
