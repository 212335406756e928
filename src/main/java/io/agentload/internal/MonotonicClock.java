package io.agentload.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * A run's or a server's one clock: seconds since a zero instant, read from {@link System#nanoTime()} so that
 * differences are exact elapsed times whatever the system clock does, and epoch microseconds on the same monotonic
 * scale, so logged instants never jump when the system clock is stepped. The real-time replay times its requests on
 * one, the simulator's real-time server its engine steps and logs.
 */
public final class MonotonicClock {
    private final long originNanos;
    private final long originEpochMicros;

    /**
     * @param originNanos       the {@link System#nanoTime()} reading at zero
     * @param originEpochMicros zero as epoch microseconds
     */
    MonotonicClock(long originNanos, long originEpochMicros) {
        this.originNanos = originNanos;
        this.originEpochMicros = originEpochMicros;
    }

    /** The clock whose zero is now. */
    public static MonotonicClock startingNow() {
        Instant now = Instant.now();
        return new MonotonicClock(System.nanoTime(), epochMicros(now));
    }

    /** The clock whose zero is {@code zero} on the wall clock (a run's start, before any resume), anchored now. */
    public static MonotonicClock since(Instant zero) {
        long elapsed = Duration.between(zero, Instant.now()).toNanos();
        return new MonotonicClock(System.nanoTime() - elapsed, epochMicros(zero));
    }

    /** Seconds since zero now. */
    public double now() {
        return seconds(System.nanoTime());
    }

    /** Seconds since zero at the {@link System#nanoTime()} reading {@code nanoTime}. */
    public double seconds(long nanoTime) {
        return (nanoTime - originNanos) / 1e9;
    }

    /** The {@link System#nanoTime()} reading at {@code seconds} since zero. */
    public long nanoTime(double seconds) {
        return originNanos + Math.round(seconds * 1e9);
    }

    /** Epoch microseconds of a {@link System#nanoTime()} reading. */
    public long epochMicros(long nanoTime) {
        return originEpochMicros + Math.floorDiv(nanoTime - originNanos, 1_000);
    }

    /** Epoch microseconds of {@code seconds} since zero. */
    public long epochMicros(double seconds) {
        return originEpochMicros + Math.round(seconds * 1e6);
    }

    /** Epoch seconds now, as the {@code created} field of a response. */
    public long epochSeconds() {
        return Math.floorDiv(epochMicros(System.nanoTime()), 1_000_000);
    }

    private static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }
}
