package io.agentload.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.cli.Main;
import io.agentload.endpoint.Endpoint;
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
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How exactly the real-time driver measures, and how many agents one client core carries. {@code agentload serve}
 * (the simulated {@code system} serving Llama 3.1 8B, one replica per GPU) runs in its own JVM and logs every
 * request's arrival and first-token write; {@code agents} agents replay coding-agent-like sessions against it for a
 * {@code seconds} window after the warm-up: a 2,000-token shared prefix, a first prompt of 3K-6K tokens growing by
 * 300-1,500 per turn over 8 turns (about 7K on average, so that the agents' contexts fit the simulated KV cache),
 * outputs of median 150 tokens, 1-4 s of tool time. Requests are matched to log lines by their
 * {@code X-Request-Id}. Prints, in ms at p50 / p90 / p99 / max, for the requests sent in the window: the client's
 * TTFT against the server's first-token log, both measured from the client's send (the client's first token minus
 * the server's {@code first_token_us}, on the two processes' epoch-microsecond clocks: what the client adds while
 * reading), the client's upload (request written minus send: what it adds while sending) and their sum per request;
 * then, stricter, the client's TTFT minus the server's own ({@code first_token_us - received_us}), over every request
 * and over the window, which also counts the server's late reads of requests, and its send path (the server's read
 * minus the client's send); the server's own lag behind its simulated first token; how late a thread that sleeps 1 ms at a time in the client's process wakes (the machine's noise, which
 * no client can measure below); and the client's send lag behind each agent's due time; then the client's CPU
 * (process CPU time over wall time: one core is 1.00), the request rate and the machine's load average.
 *
 * <p>{@code serverCpu}: a CPU number pins the server there with {@code taskset}; run the whole benchmark under
 * {@code taskset -c 0} as well and the client has one core of its own, the way to find the largest agent count one
 * client core sustains ({@code -p agents=250,500,1000,2000}). Empty: both share every core. Score: the trial's wall
 * time.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseZGC"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Timeout(time = 3, timeUnit = TimeUnit.HOURS)
public class ReplayAccuracyBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern URL = Pattern.compile("at (http://\\S+/v1)");

    @Param({"500"})
    public int agents;

    @Param("60")
    public int seconds;

    @Param("")
    public String serverCpu;

    /**
     * The simulated system serving Llama 3.1 8B, one replica per GPU: {@code h200x8} saturates near 80 requests/s
     * with these sessions, so above about 600 agents they queue in the server and the client idles; {@code gb200-nvl72}
     * (72 replicas) keeps up with thousands, which is what loads the client.
     */
    @Param("h200x8")
    public String system;

    /** Extra JVM flags of the server, separated by spaces (e.g. {@code -Djdk.virtualThreadScheduler.parallelism=4}). */
    @Param("")
    public String serverFlags;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private Process server;
    private Path log;
    private Endpoint endpoint;
    private List<Session> sessions;

    @Setup(Level.Trial)
    public void start() throws IOException {
        log = Files.createTempFile("agentload-first-token", ".jsonl");
        List<String> command = new ArrayList<>();
        if (!serverCpu.isEmpty()) command.addAll(List.of("taskset", "-c", serverCpu));
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseZGC",
                "-Xmx3g"));
        if (!serverFlags.isBlank()) command.addAll(List.of(serverFlags.strip().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--system",
                system, "--model", "llama-3.1-8b", "--port", "0", "--first-token-log", log.toString()));
        server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
        Matcher m = URL.matcher(line == null ? "" : line);
        if (!m.find()) {
            server.destroyForcibly(); // JMH runs no tear-down after a failed set-up: the server must not outlive it
            throw new IllegalStateException("agentload serve did not start: " + line);
        }
        endpoint = Endpoint.builder().baseUrl(m.group(1)).model("llama-3.1-8b").noApiKey().build();
        sessions = sessions(400, 11);
    }

    static List<Session> sessions(int count, long seed) {
        Random random = new Random(seed);
        List<Session> sessions = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<Turn> turns = new ArrayList<>();
            int input = 3_000 + random.nextInt(3_000), reused = 0;
            for (int k = 0; k < 8; k++) {
                int output = (int) Math.max(1, Math.min(1_000, Math.round(150 * Math.exp(0.8 * random.nextGaussian()))));
                turns.add(new Turn("a" + s, k, "java", input, reused, "harness", 2_000, output,
                        1_000 + random.nextInt(3_000), List.of()));
                reused = input + output;
                input = reused + 300 + random.nextInt(1_200);
            }
            sessions.add(new Session("a" + s, "java", turns));
        }
        return sessions;
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException, InterruptedException {
        endpoint.close();
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
        Files.deleteIfExists(log);
    }

    @Benchmark
    public int replay() throws IOException, InterruptedException {
        Instant zero = Instant.now();
        RealTimeDriver driver = RealTimeDriver.builder(endpoint, sessions).clock(zero)
                .plan(TrialPlan.defaults().withWarmUpSeconds(0, 120).withMeasurementSeconds(seconds)).build();
        long zeroMicros = zero.getEpochSecond() * 1_000_000 + zero.getNano() / 1_000;
        long cpu0 = os.getProcessCpuTime(), wall0 = System.nanoTime();
        long serverCpu0 = serverCpuNanos(), engineCpu0 = engineThreadCpuTicks();
        Trial t;
        List<Double> wakeUps;
        try (WakeUpProbe probe = new WakeUpProbe()) {
            t = driver.run(0, agents, r -> { });
            wakeUps = probe.lateness();
        }
        long wall = System.nanoTime() - wall0;
        double cores = (double) (os.getProcessCpuTime() - cpu0) / wall;
        double serverCores = (double) (serverCpuNanos() - serverCpu0) / wall;
        double engineCores = (engineThreadCpuTicks() - engineCpu0) * 1e7 / wall;
        Thread.sleep(500); // the server writes a line just after a response's last write

        Map<String, JsonNode> lines = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode n = JSON.readTree(line);
            lines.put(n.get("id").asText(), n);
        }
        List<Double> diff = new ArrayList<>(), absolute = new ArrayList<>(), serverLag = new ArrayList<>();
        List<Double> measuredDiff = new ArrayList<>(), measuredAbsolute = new ArrayList<>();
        List<Double> sendPath = new ArrayList<>(), readPath = new ArrayList<>(), upload = new ArrayList<>();
        List<Double> clientPart = new ArrayList<>();
        List<String> worst = new ArrayList<>();
        int ok = 0;
        for (RequestRecord r : t.records()) {
            JsonNode n = lines.get("cmpl-" + r.requestId());
            if (!r.ok() || n == null || n.get("first_token_us").isNull()) continue;
            ok++;
            double serverTtft = (n.get("first_token_us").asLong() - n.get("received_us").asLong()) / 1e3;
            double d = r.ttft() * 1e3 - serverTtft;
            diff.add(d);
            absolute.add(Math.abs(d));
            if (r.measured()) {
                measuredDiff.add(d);
                measuredAbsolute.add(Math.abs(d));
                sendPath.add((n.get("received_us").asLong() - (zeroMicros + r.sendTime() * 1e6)) / 1e3);
                double read = (zeroMicros + r.firstTokenTime() * 1e6 - n.get("first_token_us").asLong()) / 1e3;
                readPath.add(read);
                upload.add(r.uploadTime() * 1e3);
                clientPart.add(read + r.uploadTime() * 1e3);
            }
            if (Math.abs(d) > 50) worst.add(String.format(Locale.ROOT, "%.1f s: %.0f ms", r.sendTime() - t.startTime(), d));
            serverLag.add((n.get("first_token_us").asLong() - n.get("first_token_due_us").asLong()) / 1e3);
        }
        ReplayResult.SendLag lag = driver.sendLag();
        System.out.printf(Locale.ROOT, "%n  %d agents, %.0f s window (warm-up %.0f s%s): %d requests, %d ok and matched to "
                        + "the server's log, %.1f requests/s and %,.0f output tok/s in the window%n",
                agents, t.windowSeconds(), t.windowStart() - t.startTime(), t.warmUpCut() ? ", cut" : "",
                t.records().size(), ok, t.measured().size() / t.windowSeconds(),
                t.measured().stream().filter(RequestRecord::ok).mapToInt(RequestRecord::outputTokens).sum()
                        / t.windowSeconds());
        System.out.printf("  %-38s %9s %9s %9s %9s%n", "ms", "p50", "p90", "p99", "max");
        System.out.println("  in the window, against the server's first-token log:");
        print("client TTFT - log's (write - send)", readPath);
        print("  client's upload (written - send)", upload);
        print("  both: all the client adds", clientPart);
        System.out.println("  against the server's own TTFT (from its read of the request), which adds its late reads:");
        print("client TTFT - server TTFT", diff);
        print("|client TTFT - server TTFT|", absolute);
        print("  in the window", measuredDiff);
        print("  |in the window|", measuredAbsolute);
        print("  send: server read - client send", sendPath);
        print("server write - simulated first token", serverLag);
        print("1 ms sleeper beside the client: late by", wakeUps);
        System.out.printf(Locale.ROOT, "  %-38s %9.3f %9s %9.3f %9.3f  (%d sends late by > %d ms, %d of them in the "
                        + "window)%n", "client send lag", 1e3 * lag.p50Seconds(), "", 1e3 * lag.p99Seconds(), 1e3 * lag.maxSeconds(),
                lag.lateSends(), ReplayResult.SendLag.LATE.toMillis(), lag.lateMeasuredSends());
        System.out.printf(Locale.ROOT, "  client CPU %.2f cores; server CPU %.2f cores, of which its engine thread "
                        + "%.2f; machine load average %.1f on %d cores%n", cores, serverCores, engineCores,
                os.getSystemLoadAverage(), os.getAvailableProcessors());
        System.out.printf("  %d requests off by more than 50 ms, by send time after the trial's start: %s%n", worst.size(),
                worst.stream().limit(40).toList());
        return ok;
    }

    /** The server process's CPU time so far, in ns (0 where the OS does not tell). */
    private long serverCpuNanos() {
        return server.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /**
     * The server's engine thread's CPU time so far, in clock ticks of 10 ms (Linux's {@code /proc}; 0 elsewhere): the
     * thread that sleeps, yields and spins until each simulated step's end.
     */
    private long engineThreadCpuTicks() throws IOException {
        Path tasks = Path.of("/proc", Long.toString(server.pid()), "task");
        if (!Files.isDirectory(tasks)) return 0;
        try (var threads = Files.list(tasks)) {
            for (Path task : threads.toList()) {
                if (!Files.readString(task.resolve("comm")).strip().startsWith("agentload-engin")) continue;
                String stat = Files.readString(task.resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            }
        }
        return 0;
    }

    /**
     * The machine's own noise as the client's threads meet it: a platform thread in the client's process that sleeps
     * 1 ms at a time through the trial and records how late each wake-up is, in ms. A wake-up late by more than the
     * client's budget means that no client on these cores could have measured within it then.
     */
    private static final class WakeUpProbe implements AutoCloseable {
        private final List<Double> lateness = new ArrayList<>();
        private volatile boolean stop;
        private final Thread thread = Thread.ofPlatform().daemon().name("wake-up-probe").start(this::run);

        private void run() {
            while (!stop) {
                long due = System.nanoTime() + 1_000_000;
                LockSupport.parkNanos(1_000_000);
                double late = Math.max(0, System.nanoTime() - due) / 1e6;
                synchronized (lateness) {
                    lateness.add(late);
                }
            }
        }

        List<Double> lateness() {
            synchronized (lateness) {
                return new ArrayList<>(lateness);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    private static void print(String what, List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) return;
        System.out.printf(Locale.ROOT, "  %-38s %9.3f %9.3f %9.3f %9.3f%n", what, at(v, 50), at(v, 90), at(v, 99),
                v[v.length - 1]);
    }

    private static double at(double[] sorted, double p) {
        return sorted[(int) Math.max(0, Math.ceil(p / 100 * sorted.length) - 1)];
    }
}
