package io.agentload.replay;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How late each request left the client after its agent was due (its tool time over, or its first send): the
 * real-time driver's own health. A closed-loop client must send when the agent is due; one that sends later spaces
 * the load out and flatters the server, so lag is measured for every request, in microseconds with three
 * significant digits (HdrHistogram), and sends later than {@link ReplayResult.SendLag#LATE} are counted.
 */
final class SendLagRecorder {

    private static final long LATE_MICROS = ReplayResult.SendLag.LATE.toNanos() / 1_000;

    private final Histogram micros = new ConcurrentHistogram(3_600_000_000L, 3);
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong lateMeasured = new AtomicLong();

    /**
     * A request sent {@code lagNanos} after its agent was due (a negative reading is a send on time), inside the
     * measurement window or not.
     */
    void record(long lagNanos, boolean measured) {
        long us = Math.max(0, lagNanos / 1_000);
        micros.recordValue(Math.min(us, micros.getHighestTrackableValue()));
        if (us > LATE_MICROS) {
            late.incrementAndGet();
            if (measured) lateMeasured.incrementAndGet();
        }
    }

    /** The 99th percentile so far, in milliseconds (0 before any send). */
    double p99Millis() {
        return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(99) / 1e3;
    }

    /** Everything recorded so far. */
    ReplayResult.SendLag snapshot() {
        Histogram h = micros.copy();
        if (h.getTotalCount() == 0) return new ReplayResult.SendLag(0, 0, 0, 0, 0, 0);
        return new ReplayResult.SendLag(h.getTotalCount(), h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6, late.get(), lateMeasured.get());
    }
}
