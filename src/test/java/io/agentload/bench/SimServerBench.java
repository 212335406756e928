package io.agentload.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.sim.EngineConfig;
import io.agentload.sim.SimServer;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop agents against the simulated server (h200x8 serving llama-3.1-8b, 8 replicas) on loopback, client and
 * server in one JVM as a notebook runs them: each agent streams a growing token-id conversation (a shared 2,000-token
 * system prompt and 2,000-6,000 more, 100-400 output tokens, 1-4 s of tool time, a new conversation after 10 turns)
 * for a minute. Prints, per request, the client's TTFT minus
 * the server's logged TTFT, the client's first-token arrival minus the server's logged write, and the server's lag
 * behind the simulated first-token instant, as percentiles in milliseconds. The score is the trial's wall time.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-XX:+UseZGC"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SimServerBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

    @Param({"500", "1000"})
    public int agents;

    @Param("60")
    public int seconds;

    /** One request as the client saw it: nanoTime before the call, at the first and the last data line. */
    record Seen(long sent, long first, long last, int events) {}

    @Benchmark
    public Map<String, Seen> agentsForAMinute() throws Exception {
        Path log = Files.createTempFile("agentload-bench", ".jsonl");
        Map<String, Seen> seen = new ConcurrentHashMap<>();
        long epochMicros = epochMicrosNow();
        long anchor = System.nanoTime();
        try (SimServer server = SimServer.builder(EngineConfig.of("h200x8", "llama-3.1-8b")).port(0).firstTokenLog(log)
                .build().start()) {
            OkHttpClient http = new OkHttpClient.Builder().readTimeout(5, TimeUnit.MINUTES)
                    .connectionPool(new ConnectionPool(agents, 5, TimeUnit.MINUTES)).build();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            AtomicLong ids = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            int[] system = tokens(new Random(0), 2000);
            for (int a = 0; a < agents; a++) {
                int agent = a;
                threads.add(Thread.ofVirtual().start(() -> {
                    Random random = new Random(agent);
                    try {
                        Thread.sleep(random.nextInt(4000));
                        while (System.nanoTime() < end) conversation(http, server.baseUrl(), system, random, end, ids, seen);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException("agent " + agent, e);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            Thread.sleep(200); // the last log lines
            report(seen, log, epochMicros, anchor);
        } finally {
            Files.deleteIfExists(log);
        }
        return seen;
    }

    private static void conversation(OkHttpClient http, String url, int[] system, Random random, long end, AtomicLong ids,
                                     Map<String, Seen> seen) throws IOException, InterruptedException {
        int[] prompt = concat(system, tokens(random, 2000 + random.nextInt(4000)));
        for (int turn = 0; turn < 10 && System.nanoTime() < end; turn++) {
            int output = 100 + random.nextInt(300);
            String id = "bench-" + ids.incrementAndGet();
            String body = "{\"model\":\"llama-3.1-8b\",\"prompt\":" + Arrays.toString(prompt) + ",\"max_tokens\":" + output
                    + ",\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
            Request request = new Request.Builder().url(url + "/completions").header("X-Request-Id", id)
                    .post(RequestBody.create(body, APPLICATION_JSON)).build();
            long sent = System.nanoTime(), first = 0, last = 0;
            int events = 0;
            try (Response response = http.newCall(request).execute()) {
                BufferedSource source = response.body().source();
                for (String line = source.readUtf8Line(); line != null; line = source.readUtf8Line()) {
                    if (!line.startsWith("data: ")) continue;
                    long now = System.nanoTime();
                    if (first == 0) first = now;
                    last = now;
                    events++;
                }
            }
            seen.put("cmpl-" + id, new Seen(sent, first, last, events));
            prompt = concat(prompt, tokens(random, output + 500 + random.nextInt(2000)));
            Thread.sleep(1000 + random.nextInt(3000));
        }
    }

    private static void report(Map<String, Seen> seen, Path log, long epochMicros, long anchor) throws IOException {
        Map<String, JsonNode> lines = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode n = JSON.readTree(line);
            lines.put(n.get("id").asText(), n);
        }
        List<Double> ttftDiff = new ArrayList<>(), arrivalDiff = new ArrayList<>(), lag = new ArrayList<>(), ttft = new ArrayList<>();
        seen.forEach((id, s) -> {
            JsonNode n = lines.get(id);
            if (n == null || s.first() == 0 || n.get("first_token_us").isNull()) return;
            long received = n.get("received_us").asLong(), written = n.get("first_token_us").asLong();
            double clientTtft = (s.first() - s.sent()) / 1e6;
            ttft.add(clientTtft);
            ttftDiff.add(clientTtft - (written - received) / 1e3);
            arrivalDiff.add((epochMicros + (s.first() - anchor) / 1_000 - written) / 1e3);
            lag.add((written - n.get("first_token_due_us").asLong()) / 1e3);
        });
        System.out.printf("%n%d requests (%d logged); ms at p50 / p90 / p99 / max:%n", seen.size(), lines.size());
        print("client TTFT", ttft);
        print("client TTFT - server TTFT", ttftDiff);
        print("client first token - server write", arrivalDiff);
        print("server write - simulated first token", lag);
    }

    private static void print(String what, List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) return;
        System.out.printf("  %-38s %9.3f %9.3f %9.3f %9.3f%n", what, at(v, 50), at(v, 90), at(v, 99), v[v.length - 1]);
    }

    private static double at(double[] sorted, double p) {
        return sorted[(int) Math.max(0, Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static long epochMicrosNow() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private static int[] tokens(Random random, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = 1000 + random.nextInt(99_000);
        return t;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
