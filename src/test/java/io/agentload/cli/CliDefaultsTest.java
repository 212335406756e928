package io.agentload.cli;

import io.agentload.replay.SloTier;
import io.agentload.replay.Simulation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The defaults the options print are the library's own, written out for the annotations. */
class CliDefaultsTest {

    @Test
    void theTiersOptionDefaultsToTheLibrarysTiers() {
        assertEquals(SloTier.defaults(), SloTier.parse(CliDefaults.TIERS));
    }

    @Test
    void theWindowOptionDefaultsToTheLibrarysWindow() {
        assertEquals(Simulation.of("h200x8", "llama-3.1-70b").window(), new DurationConverter().convert(CliDefaults.WINDOW));
    }
}
