package io.agentload.bench;

import io.agentload.endpoint.CompletionResult;
import io.agentload.endpoint.Endpoint;
import io.agentload.endpoint.EndpointRequest;
import io.agentload.endpoint.FakeOpenAiServer;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How many concurrent streams one client core sustains. A fake OpenAI server in a separate process (so its CPU is not
 * counted) streams 100 tokens per request at 50 tok/s; each shot runs {@code streams} requests at once over kept-alive
 * connections, and prints the chunk rate received, the client process's CPU (user and system, JIT and GC included)
 * per output chunk, hence the streams one client core sustains at 50 tok/s, and how the streams fared: the gaps seen
 * between chunks (the server writes one every 20 ms; wider gaps mean the machine, client or server, fell behind) and
 * TTFT (the server answers at once). Score: seconds per shot (2 s when nothing falls behind).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EndpointStreamsBench {

    private static final int TOKENS = 100;
    private static final int INTERVAL_MS = 20;

    @Param({"250", "1000", "2000"})
    public int streams;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private Process server;
    private Endpoint endpoint;
    private final List<EndpointRequest> requests = new ArrayList<>();

    @Setup(Level.Trial)
    public void start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-Xss256k", "-cp", System.getProperty("java.class.path"),
                FakeOpenAiServer.class.getName(), String.valueOf(TOKENS), String.valueOf(INTERVAL_MS))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String port = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        endpoint = Endpoint.builder().baseUrl("http://127.0.0.1:" + port + "/v1").model("m").noApiKey().build();
        PromptLayout layout = PromptLayout.of(new Session("s", "java", List.of(
                new Turn("s", 0, "java", 1_000, 0, "sys", 500, TOKENS, 0, List.of())))).get(0);
        for (int i = 0; i < streams; i++) requests.add(EndpointRequest.of(layout, i, TOKENS).withAgentId("a" + i));
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException, InterruptedException {
        endpoint.close();
        server.getOutputStream().close();
        if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroy();
    }

    @Benchmark
    public int streams() {
        long cpu0 = os.getProcessCpuTime(), wall0 = System.nanoTime();
        List<CompletableFuture<CompletionResult>> running = new ArrayList<>(streams);
        for (EndpointRequest r : requests) running.add(endpoint.send(r));
        List<CompletionResult> results = running.stream().map(CompletableFuture::join).toList();
        long cpu = os.getProcessCpuTime() - cpu0, wall = System.nanoTime() - wall0;

        Histogram gapsMicros = new Histogram(3), ttftMicros = new Histogram(3);
        long chunks = 0;
        int failed = 0;
        for (CompletionResult r : results) {
            if (!r.ok()) failed++;
            long[] t = r.chunkNanos();
            chunks += t.length;
            if (t.length > 0) ttftMicros.recordValue((t[0] - r.sendNanos()) / 1_000);
            for (int i = 1; i < t.length; i++) gapsMicros.recordValue((t[i] - t[i - 1]) / 1_000);
        }
        double cores = (double) cpu / wall, cpuPerChunk = (double) cpu / chunks;
        System.out.printf(Locale.ROOT, "%n  %d streams: %.0f chunks/s received with %.2f client cores (%.2f s CPU in %.2f s);"
                        + " %.1f us CPU per output chunk, so one core sustains %.0f streams at %d tok/s;"
                        + " chunk gaps p50 %.1f / p99 %.1f / p99.9 %.1f ms (server writes every %d ms);"
                        + " TTFT p50 %.1f / p99 %.1f ms; %d not ok%n",
                streams, chunks / (wall / 1e9), cores, cpu / 1e9, wall / 1e9, cpuPerChunk / 1e3,
                1e9 / (cpuPerChunk * (1000.0 / INTERVAL_MS)), 1000 / INTERVAL_MS,
                gapsMicros.getValueAtPercentile(50) / 1e3, gapsMicros.getValueAtPercentile(99) / 1e3,
                gapsMicros.getValueAtPercentile(99.9) / 1e3, INTERVAL_MS,
                ttftMicros.getValueAtPercentile(50) / 1e3, ttftMicros.getValueAtPercentile(99) / 1e3, failed);
        return failed;
    }
}
