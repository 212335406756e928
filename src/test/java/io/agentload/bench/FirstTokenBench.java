package io.agentload.bench;

import io.agentload.endpoint.CompletionResult;
import io.agentload.endpoint.Endpoint;
import io.agentload.endpoint.EndpointRequest;
import io.agentload.endpoint.FakeOpenAiServer;
import io.agentload.endpoint.Reply;
import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One streamed request on loopback, end to end (score: microseconds per request, client and fake server in one JVM,
 * one request at a time). Each iteration also prints the lag from the server starting to write the first token to the
 * client's arrival stamp for it, on the clock both share: kernel, wake-up of the reading virtual thread and OkHttp's
 * chunked-body source, everything between bytes leaving and the token being stamped. Parsing comes after the stamp;
 * {@link StreamParseBench} measures it.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FirstTokenBench {

    private final EndpointRequest request = EndpointRequest.of(PromptLayout.of(new Session("s", "java", List.of(
            new Turn("s", 0, "java", 200, 0, "sys", 100, 1, 0, List.of())))).get(0), 1, 1);
    private final List<Long> firstTokens = new ArrayList<>();
    private FakeOpenAiServer server;
    private Endpoint endpoint;

    @Setup(Level.Trial)
    public void start() throws IOException {
        server = FakeOpenAiServer.start(Reply.stream(1), true);
        endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("m").noApiKey().build();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        endpoint.close();
        server.close();
    }

    @Benchmark
    public CompletionResult request() {
        CompletionResult r = endpoint.send(request).join();
        firstTokens.add(r.firstTokenNanos());
        return r;
    }

    @TearDown(Level.Iteration)
    public void printLag() throws InterruptedException {
        List<FakeOpenAiServer.Received> received = server.drainReceived();
        Histogram lagNanos = new Histogram(3);
        for (int i = 0; i < received.size(); i++) lagNanos.recordValue(firstTokens.get(i) - received.get(i).tokenWriteNanos().get(0));
        System.out.printf(Locale.ROOT, "%n  first-token lag, server write -> client stamp, %d requests: p50 %.1f us, p90 %.1f us, p99 %.1f us%n",
                received.size(), lagNanos.getValueAtPercentile(50) / 1e3, lagNanos.getValueAtPercentile(90) / 1e3,
                lagNanos.getValueAtPercentile(99) / 1e3);
        firstTokens.clear();
    }
}
