package io.agentload.internal;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MonotonicClockTest {

    @Test
    void secondsNanoTimesAndEpochMicrosAreOneScale() {
        MonotonicClock clock = new MonotonicClock(5_000_000_000L, 1_700_000_000_000_000L);
        assertEquals(0, clock.seconds(5_000_000_000L));
        assertEquals(1.5, clock.seconds(6_500_000_000L));
        assertEquals(-0.5, clock.seconds(4_500_000_000L));
        assertEquals(6_500_000_000L, clock.nanoTime(1.5));
        assertEquals(1_700_000_001_500_000L, clock.epochMicros(6_500_000_000L));
        assertEquals(1_700_000_001_500_000L, clock.epochMicros(1.5));
        assertEquals(1_699_999_999_999_999L, clock.epochMicros(4_999_999_999L), "floored, not rounded toward zero");
    }

    @Test
    void aClockSinceAnEarlierInstantIsAlreadyThatFarAlong() {
        Instant zero = Instant.now().minusSeconds(100);
        MonotonicClock clock = MonotonicClock.since(zero);
        assertTrue(clock.now() >= 100, "seconds since zero: " + clock.now());
        assertEquals(zero.getEpochSecond() * 1_000_000 + zero.getNano() / 1_000, clock.epochMicros(0.0));
        assertTrue(MonotonicClock.startingNow().now() < 100);
    }
}
