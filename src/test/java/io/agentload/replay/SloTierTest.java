package io.agentload.replay;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SloTierTest {

    @Test
    void theDefaultsAre20To100TokPerSecondWithTighterTtftAsSpeedRises() {
        List<SloTier> d = SloTier.defaults();
        assertEquals(List.of(20.0, 60.0, 100.0), d.stream().map(SloTier::minOutputTokensPerSecond).toList());
        assertEquals(List.of(6.0, 3.0, 2.0), d.stream().map(SloTier::maxTtftSeconds).toList());
        assertTrue(d.stream().allMatch(t -> t.percentileOfAgents() == 0.9));
    }

    @Test
    void fasterKnownTiersParseBySpeedAlone() {
        assertEquals(List.of(new SloTier(140, 1.5), new SloTier(180, 1)), SloTier.parse("140,180"));
    }

    @Test
    void simulationAndReplayShareOneDefaultWindowAndTierList() {
        Simulation simulation = Simulation.of("h200x8", "llama-3.1-70b");
        try (io.agentload.endpoint.Endpoint endpoint = io.agentload.endpoint.Endpoint.builder()
                .baseUrl("http://127.0.0.1:9/v1").model("m").build()) {
            Replay replay = Replay.against(endpoint);
            assertEquals(java.time.Duration.ofMinutes(10), simulation.window());
            assertEquals(simulation.window(), replay.window());
            assertEquals(SloTier.defaults(), simulation.tiers());
            assertEquals(SloTier.defaults(), replay.tiers());
        }
    }

    @Test
    void parsesSpeedsOfDefaultTiersAndExplicitLimits() {
        assertEquals(List.of(new SloTier(20, 6), new SloTier(60, 3), new SloTier(100, 2)), SloTier.parse("20,60,100"));
        assertEquals(List.of(new SloTier(30, 4), new SloTier(60, 3, 0.95)), SloTier.parse(" 30:4 , 60:3:0.95 "));
        assertEquals("60 tok/s, TTFT \u2264 3 s, 90% of agents", new SloTier(60, 3).label());
        assertEquals("30 tok/s, TTFT \u2264 4.5 s, 95% of agents", new SloTier(30, 4.5, 0.95).label());
    }

    @Test
    void aaIsTheEntryTierOfAaAgentPerfAtOurDefaultShareAndParsesByName() {
        assertEquals(new SloTier(20, 10, SloTier.DEFAULT_PERCENTILE_OF_AGENTS), SloTier.aa());
        assertEquals(List.of(SloTier.aa()), SloTier.parse("aa"));
        assertEquals(List.of(SloTier.aa(), new SloTier(60, 3)), SloTier.parse("AA,60"));
        assertEquals("20 tok/s, TTFT \u2264 10 s, 90% of agents", SloTier.aa().label());
    }

    @Test
    void badSpecsNameTheTierAndSayWhatToWrite() {
        IllegalArgumentException noDefault = assertThrows(IllegalArgumentException.class, () -> SloTier.parse("20,30"));
        assertTrue(noDefault.getMessage().contains("tier '30'") && noDefault.getMessage().contains("SPEED:MAX_TTFT_S")
                && noDefault.getMessage().contains("20:6,60:3,100:2,140:1.5,180:1"), noDefault.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SloTier.parse("fast"));
        assertThrows(IllegalArgumentException.class, () -> SloTier.parse("60:0"));
        assertThrows(IllegalArgumentException.class, () -> SloTier.parse("60:3:1.5"));
        assertThrows(IllegalArgumentException.class, () -> SloTier.parse(" , "));
    }
}
