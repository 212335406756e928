package io.agentload.sim;

import java.time.Instant;

/**
 * The real-time server's one clock: {@link System#nanoTime()} offsets from a start instant read once from
 * {@link Instant#now()}. Engine time is seconds since that start; logged instants are epoch microseconds on the same
 * monotonic scale, so they never jump when the system clock is stepped and two of them differ by exactly the elapsed
 * time.
 */
final class WallClock {
    private final long startNanos;
    private final long startEpochMicros;

    WallClock() {
        Instant now = Instant.now();
        startNanos = System.nanoTime();
        startEpochMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** Seconds since the start: the engine's time now. */
    double seconds() {
        return seconds(System.nanoTime());
    }

    double seconds(long nanoTime) {
        return (nanoTime - startNanos) / 1e9;
    }

    /** The {@link System#nanoTime()} value of engine time {@code seconds}. */
    long nanoTime(double seconds) {
        return startNanos + Math.round(seconds * 1e9);
    }

    /** Epoch microseconds of a {@link System#nanoTime()} value. */
    long epochMicros(long nanoTime) {
        return startEpochMicros + Math.floorDiv(nanoTime - startNanos, 1_000);
    }

    /** Epoch microseconds of engine time {@code seconds}. */
    long epochMicros(double seconds) {
        return startEpochMicros + Math.round(seconds * 1e6);
    }

    /** Epoch seconds now, as the {@code created} field of a response. */
    long epochSeconds() {
        return Math.floorDiv(epochMicros(System.nanoTime()), 1_000_000);
    }
}
