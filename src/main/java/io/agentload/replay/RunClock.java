package io.agentload.replay;

import java.time.Duration;
import java.time.Instant;

/**
 * A run's clock for a real-time run: seconds since the run started ({@link Run#startedAt()}), read from
 * {@link System#nanoTime()} so that differences are exact elapsed times whatever the wall clock does.
 *
 * @param originNanos the {@link System#nanoTime()} reading at the run's start
 */
record RunClock(long originNanos) {

    /** The clock whose zero is {@code zero} on the wall clock, anchored to {@link System#nanoTime()} now. */
    static RunClock since(Instant zero) {
        long elapsed = Duration.between(zero, Instant.now()).toNanos();
        return new RunClock(System.nanoTime() - elapsed);
    }

    /** Seconds on the run's clock at the {@link System#nanoTime()} reading {@code nanos}. */
    double seconds(long nanos) {
        return (nanos - originNanos) / 1e9;
    }

    /** The {@link System#nanoTime()} reading at {@code seconds} on the run's clock. */
    long nanos(double seconds) {
        return originNanos + Math.round(seconds * 1e9);
    }

    /** Seconds on the run's clock now. */
    double now() {
        return seconds(System.nanoTime());
    }
}
