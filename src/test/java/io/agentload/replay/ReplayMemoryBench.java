package io.agentload.replay;

import io.agentload.endpoint.Endpoint;
import io.agentload.endpoint.FakeOpenAiServer;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
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
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real-time driver's memory at 131K-token prompts: {@code agents} agents replay sessions whose every turn resends
 * a 120K-131K-token context (a 4K shared prefix, then the growing conversation) against a fake OpenAI server in a
 * separate process (100 output tokens at 50 tok/s, 0.5 s of tool time), for a {@code seconds}-long window. Three
 * times in the window the client forces a full GC and reads the heap still in use: the live set with every agent's
 * request in flight or about to be. Prints the idle live set before the trial, the largest live set during it and its
 * growth per agent, next to what keeping the prompts would cost (4 bytes per token id as an int[], about 6 as JSON
 * text). Bodies are written to the socket as they are generated, so the growth per agent should be a few KB (a
 * prompt layout, a connection's buffers), not the 0.5-0.8 MB of a prompt. Also prints the client's CPU, the machine's
 * load average and the send lag: the fake server spends most of a core parsing 131K-token JSON bodies, so on a small
 * shared machine the lag measures the operating system's scheduling more than the client. Score: the trial's wall
 * time.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplayMemoryBench {

    private static final int PROMPT_TOKENS = 131_072;
    private static final int OUTPUT_TOKENS = 100;

    @Param({"300"})
    public int agents;

    @Param("30")
    public int seconds;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private Process server;
    private Endpoint endpoint;

    @Setup(Level.Trial)
    public void start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                FakeOpenAiServer.class.getName(), String.valueOf(OUTPUT_TOKENS), "20")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String port = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        endpoint = Endpoint.builder().baseUrl("http://127.0.0.1:" + port + "/v1").model("m").noApiKey().build();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException, InterruptedException {
        endpoint.close();
        server.getOutputStream().close();
        if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroy();
    }

    /** 64 sessions of 12 turns from 120K to 131K tokens, each resending the previous prompt and its output. */
    static List<Session> longSessions() {
        List<Session> sessions = new ArrayList<>();
        for (int s = 0; s < 64; s++) {
            List<Turn> turns = new ArrayList<>();
            int input = PROMPT_TOKENS - 11 * 1_000;
            for (int k = 0; k < 12; k++) {
                int reused = k == 0 ? 0 : input - 1_000 + OUTPUT_TOKENS;
                turns.add(new Turn("long" + s, k, "java", input, reused, "harness", 4_096, OUTPUT_TOKENS, 500, List.of()));
                input += 1_000;
            }
            sessions.add(new Session("long" + s, "java", turns));
        }
        return sessions;
    }

    private long liveBytes() {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Benchmark
    public int replay() throws InterruptedException {
        long idle = liveBytes();
        long cpu0 = os.getProcessCpuTime(), wall0 = System.nanoTime();
        AtomicLong peak = new AtomicLong();
        RealTimeDriver driver = RealTimeDriver.builder(endpoint, longSessions())
                .plan(TrialPlan.defaults().withWarmUpSeconds(0, 120).withMeasurementSeconds(seconds)).build();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(10_000); // agents ramp up and every one has sent
                for (int i = 0; i < 3; i++) {
                    peak.accumulateAndGet(liveBytes(), Math::max);
                    Thread.sleep(seconds * 1_000L / 3);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Trial t = driver.run(0, agents, r -> { });
        double cores = (double) (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - wall0);
        sampler.interrupt();
        sampler.join();
        List<RequestRecord> ok = t.measured().stream().filter(RequestRecord::ok).toList();
        double meanInput = ok.stream().mapToInt(RequestRecord::inputTokens).average().orElse(Double.NaN);
        double perAgent = (peak.get() - idle) / (double) agents;
        System.out.printf(Locale.ROOT, "%n  %d agents at %.0f-token prompts (mean of %d measured ok requests, %d failed):"
                        + " live heap %.1f MB idle, %.1f MB at most during the trial, so %.1f KB per agent;"
                        + " keeping the prompts would take %.0f MB as int[] and %.0f MB as JSON text;"
                        + " %.1f requests/s in the window; client CPU %.2f cores, machine load average %.1f; %s%n",
                agents, meanInput, ok.size(), t.measured().size() - ok.size(), idle / 1e6, peak.get() / 1e6,
                perAgent / 1e3, agents * meanInput * 4 / 1e6, agents * meanInput * 6 / 1e6,
                t.measured().size() / t.windowSeconds(), cores, os.getSystemLoadAverage(), driver.sendLag());
        return ok.size();
    }
}
