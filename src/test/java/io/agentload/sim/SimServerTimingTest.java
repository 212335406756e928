package io.agentload.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.agentload.sim.ServerClient.JSON;
import static io.agentload.sim.SimServerTest.completion;
import static io.agentload.sim.SimServerTest.ids;
import static io.agentload.sim.SimServerTest.streaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server against the clock: what a client measures agrees with the server's log and with virtual time. */
@Tag("slow")
class SimServerTimingTest {
    static final EngineConfig CONFIG = EngineConfig.of("h100x8", "llama-3.1-8b").withReplicas(1);
    private static final AtomicInteger RUNS = new AtomicInteger();

    /**
     * Sends {@code requests} streaming requests over {@code concurrency} client threads; per request: the client's TTFT,
     * the log's (first_token_us - received_us) and the log's (first_token_us - first_token_due_us), in ms.
     */
    static Map<String, double[]> run(SimServer server, Path log, int requests, int concurrency, int promptTokens,
                                     int outputTokens) throws IOException, InterruptedException {
        return run(server, log, requests, concurrency, promptTokens, outputTokens, 0);
    }

    /** The same, each client thread first waiting a random time up to {@code spreadMillis}. */
    static Map<String, double[]> run(SimServer server, Path log, int requests, int concurrency, int promptTokens,
                                     int outputTokens, int spreadMillis) throws IOException, InterruptedException {
        ServerClient client = new ServerClient(server.baseUrl());
        int run = RUNS.incrementAndGet();
        Map<String, ServerClient.Reply> replies = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            int first = t;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(new Random(first).nextInt(spreadMillis + 1));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = first; i < requests; i += concurrency) {
                    String id = "timing-" + run + "-" + i;
                    replies.put("cmpl-" + id, client.send(client.post("/completions",
                            streaming(completion(ids(promptTokens, i + 1000L * concurrency), outputTokens)).toString())
                            .header("X-Request-Id", id).build()));
                }
            }));
        }
        for (Thread t : threads) t.join();
        Map<String, JsonNode> lines = new HashMap<>();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!lines.keySet().containsAll(replies.keySet())) { // a line is written just after the response's last write
            assertTrue(System.nanoTime() < deadline, "log lines missing");
            Thread.sleep(5);
            for (String line : Files.readAllLines(log)) {
                JsonNode n = JSON.readTree(line);
                lines.put(n.get("id").asText(), n);
            }
        }
        Map<String, double[]> result = new HashMap<>();
        replies.forEach((id, r) -> {
            assertEquals(outputTokens + 2, r.eventNanos().size(), "one event per step, the usage and [DONE]");
            JsonNode line = lines.get(id);
            double clientTtft = (r.eventNanos().get(0) - r.sentNanos()) / 1e6;
            double serverTtft = (line.get("first_token_us").asLong() - line.get("received_us").asLong()) / 1e3;
            double lag = (line.get("first_token_us").asLong() - line.get("first_token_due_us").asLong()) / 1e3;
            result.put(id, new double[] {clientTtft, serverTtft, lag});
        });
        return result;
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1))];
    }

    static double[] column(Map<String, double[]> m, java.util.function.ToDoubleFunction<double[]> f) {
        return m.values().stream().mapToDouble(f).toArray();
    }

    @Test
    void clientTtftAgreesWithTheFirstTokenLogAtLowLoad(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.jsonl");
        try (SimServer server = SimServer.builder(CONFIG).port(0).firstTokenLog(log).build().start()) {
            run(server, log, 5, 1, 500, 2); // warm the client, the connection and the server's code
            Map<String, double[]> m = run(server, log, 40, 1, 2000, 4);
            double[] diff = column(m, v -> v[0] - v[1]);
            double[] lag = column(m, v -> v[2]);
            System.out.printf("low load: client TTFT - server TTFT p50 %.3f p99 %.3f max %.3f ms;"
                            + " server lag p50 %.3f p99 %.3f ms%n",
                    percentile(diff, 50), percentile(diff, 99), percentile(diff, 100), percentile(lag, 50), percentile(lag, 99));
            // The client stamps its send before the server can read it, and the server stamps its first token before
            // the write that lets the client read it: the client's TTFT is never the shorter, however either thread is
            // scheduled (the log's microseconds round by under 1 us each). CI once saw -1.06 ms when the server stamped
            // after its write returned and was descheduled in between.
            assertTrue(percentile(diff, 0) > -0.005, "smallest difference " + percentile(diff, 0) + " ms");
            assertTrue(percentile(diff, 50) < 3, "median difference " + percentile(diff, 50) + " ms");
            assertTrue(percentile(lag, 50) < 3, "first tokens leave within a few ms of their simulated time");
        }
    }

    @Test
    void theServerKeepsRealTime(@TempDir Path dir) throws Exception {
        int prompt = 8000, output = 200;
        List<Integer> idList = ids(prompt, 42);
        int[] promptIds = idList.stream().mapToInt(Integer::intValue).toArray();
        Engine engine = Engine.create(CONFIG);
        Engine.Request request = new Engine.Request("r", prompt, PromptBlocks.hashes(promptIds, output, 0), output);
        double[] firstToken = {Double.NaN};
        engine.submit(request, 0);
        double end = engine.drain(0, new Engine.Listener() {
            @Override
            public void tokens(Engine.Request r, int count, double time) {
                if (Double.isNaN(firstToken[0])) firstToken[0] = time;
            }
        });
        Path log = dir.resolve("log.jsonl");
        try (SimServer server = SimServer.builder(CONFIG).port(0).firstTokenLog(log).build().start()) {
            ServerClient client = new ServerClient(server.baseUrl());
            for (int i = 0; i < 3; i++) client.post("/completions", streaming(completion(ids(prompt, 43 + i), 2))); // warm up
            ServerClient.Reply r = client.send(client.post("/completions", streaming(completion(idList, output)).toString())
                    .header("X-Request-Id", "real-time").build());
            JsonNode line = SimServerTest.awaitLine(log, "cmpl-real-time");
            double received = line.get("received_us").asLong() / 1e6;
            double firstDue = line.get("first_token_due_us").asLong() / 1e6, lastDue = line.get("last_token_due_us").asLong() / 1e6;
            List<Long> at = r.eventNanos();
            double clientTtft = (at.get(0) - r.sentNanos()) / 1e9, clientDecode = (at.get(output - 1) - at.get(0)) / 1e9;
            System.out.printf("real time: simulated TTFT %.2f ms, decode %.2f ms; server due TTFT %.2f ms, decode %.2f ms;"
                            + " client TTFT %.2f ms, decode %.2f ms%n", firstToken[0] * 1e3, (end - firstToken[0]) * 1e3,
                    (firstDue - received) * 1e3, (lastDue - firstDue) * 1e3, clientTtft * 1e3, clientDecode * 1e3);
            assertEquals(output + 1, r.chunks().size());
            // Steps end at their simulated times: the decode phase is the virtual-time run's to the microsecond.
            assertEquals(end - firstToken[0], lastDue - firstDue, 2e-6, "the engine follows the virtual-time schedule");
            // The engine sees the request once it is read, parsed and hashed: a few ms after its first byte.
            assertEquals(firstToken[0], firstDue - received, 0.02 + 0.05 * firstToken[0], "TTFT follows the simulation");
            // What the client sees adds only delivery: the first and last tokens' lags.
            assertEquals(end - firstToken[0], clientDecode, 0.05 + 0.02 * end, "the client sees the simulated decode phase");
        }
    }

    @Test
    void manyConcurrentStreamsStayOnTime(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.jsonl");
        try (SimServer server = SimServer.builder(CONFIG).port(0).firstTokenLog(log).build().start()) {
            run(server, log, 20, 20, 500, 2);
            Map<String, double[]> m = run(server, log, 300, 300, 1000, 64, 3000);
            double[] diff = column(m, v -> v[0] - v[1]);
            double[] lag = column(m, v -> v[2]);
            System.out.printf("300 streams arriving over 3 s: client TTFT - server TTFT p50 %.3f p99 %.3f max %.3f ms;"
                            + " server lag p50 %.3f p99 %.3f ms%n",
                    percentile(diff, 50), percentile(diff, 99), percentile(diff, 100), percentile(lag, 50), percentile(lag, 99));
            assertEquals(300, m.size());
            assertTrue(percentile(lag, 50) < 25, "server lag p50 " + percentile(lag, 50) + " ms");
        }
    }
}
