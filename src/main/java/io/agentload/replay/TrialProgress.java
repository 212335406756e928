package io.agentload.replay;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A real-time trial's progress bar: the bar fills over the measurement window (seconds), and its message says the
 * phase, how long the warm-up has run, completed and failed requests, requests in flight and the client's send lag.
 * It draws on its own thread every half second, to standard error in the CLI, so it never slows a send.
 */
final class TrialProgress implements AutoCloseable {

    private static final int WIDTH = 120;

    private final ProgressBar bar;

    TrialProgress(PrintWriter out, int trial, int agents, double windowSeconds) {
        this.bar = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "trial %d, %,d agents", trial, agents))
                .setInitialMax(Math.max(1, (long) Math.ceil(windowSeconds)))
                .setUnit(" s", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(new LineConsumer(out))
                .hideEta()
                .build();
    }

    /**
     * Shows the state at {@code now} on the run's clock.
     *
     * @param windowStart NaN while warming up
     */
    void show(double startTime, double windowStart, double windowSeconds, double now, long completed, long failed,
              int inFlight, double lagP99Millis) {
        String phase;
        if (Double.isNaN(windowStart)) {
            phase = String.format(Locale.ROOT, "warm-up %.0f s", now - startTime);
        } else if (now < windowStart + windowSeconds) {
            phase = "measured";
            bar.stepTo((long) Math.floor(now - windowStart));
        } else {
            phase = "cool-down";
            bar.stepTo(bar.getMax());
        }
        bar.setExtraMessage(String.format(Locale.ROOT, "%s | %,d done, %,d failed | %,d in flight | send lag p99 %.1f ms",
                phase, completed, failed, inFlight, lagP99Millis));
    }

    @Override
    public void close() {
        bar.close();
    }

    /** Redraws one line of a writer: a carriage return, then the bar padded over whatever the last drawing left. */
    private static final class LineConsumer implements ProgressBarConsumer {
        private final PrintWriter out;
        private int longest;

        LineConsumer(PrintWriter out) {
            this.out = out;
        }

        @Override
        public int getMaxRenderedLength() {
            return WIDTH;
        }

        @Override
        public void accept(String rendered) {
            longest = Math.max(longest, rendered.length());
            out.print("\r" + rendered + " ".repeat(longest - rendered.length()));
            out.flush();
        }

        @Override
        public void close() {
            out.println();
            out.flush();
        }
    }
}
