package io.agentload.bench;

import io.agentload.endpoint.ClientProbe;
import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import okio.BufferedSink;
import okio.Okio;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client's CPU cost of a 131,072-token token-id prompt: deriving every id twice (once for the exact
 * Content-Length, once while writing) and writing the 775 KB of JSON to a sink that discards it. Run with
 * {@code -Dbench.opts="-prof gc"} to see that it allocates next to nothing.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PromptBodyBench {

    private final PromptLayout layout = PromptLayout.of(new Session("s", "java", List.of(
            new Turn("s", 0, "java", 131_072, 0, "sys", 8_000, 200, 0, List.of())))).get(0);
    private final BufferedSink sink = Okio.buffer(Okio.blackhole());
    private long salt;

    @Benchmark
    public long body131k() throws IOException {
        long length = ClientProbe.writeCompletionsBody(layout, salt++, 200, sink);
        sink.flush();
        return length;
    }
}
