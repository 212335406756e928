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
import java.util.concurrent.ConcurrentHashMap;

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

    /** Client TTFT minus the log's (first_token_us - received_us), in ms, per request sent with these ids. */
    static Map<String, double[]> run(SimServer server, Path log, int requests, int concurrency, int promptTokens,
                                     int outputTokens) throws IOException, InterruptedException {
        ServerClient client = new ServerClient(server.baseUrl());
        Map<String, ServerClient.Reply> replies = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            int first = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = first; i < requests; i += concurrency) {
                    String id = "timing-" + System.identityHashCode(server) + "-" + i;
                    replies.put("cmpl-" + id, client.send(client.post("/completions",
                            streaming(completion(ids(promptTokens, i + 1000L * concurrency), outputTokens)).toString())
                            .header("X-Request-Id", id).build()));
                }
            }));
        }
        for (Thread t : threads) t.join();
        Map<String, JsonNode> lines = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode n = JSON.readTree(line);
            lines.put(n.get("id").asText(), n);
        }
        Map<String, double[]> result = new HashMap<>();
        replies.forEach((id, r) -> {
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
            System.out.printf("low load: client TTFT - server TTFT p50 %.3f p99 %.3f max %.3f ms; server lag p50 %.3f p99 %.3f ms%n",
                    percentile(diff, 50), percentile(diff, 99), percentile(diff, 100), percentile(lag, 50), percentile(lag, 99));
            assertTrue(percentile(diff, 0) >= 0, "the client sends before the server receives and reads after it writes");
            assertTrue(percentile(diff, 50) < 2, "median difference " + percentile(diff, 50) + " ms");
            assertTrue(percentile(diff, 100) < 10, "largest difference " + percentile(diff, 100) + " ms");
            assertTrue(percentile(lag, 99) < 5, "first tokens leave within 5 ms of their simulated time");
        }
    }

    @Test
    void theServerKeepsRealTime() {
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
        try (SimServer server = SimServer.builder(CONFIG).port(0).build().start()) {
            ServerClient client = new ServerClient(server.baseUrl());
            client.post("/completions", completion(List.of(1, 2, 3), 2)); // warm up
            ServerClient.Reply r = client.post("/completions", streaming(completion(idList, output)));
            double ttft = (r.eventNanos().get(0) - r.sentNanos()) / 1e9;
            double e2e = (r.eventNanos().get(r.eventNanos().size() - 1) - r.sentNanos()) / 1e9;
            System.out.printf("real time: TTFT %.2f ms (simulated %.2f), E2E %.2f ms (simulated %.2f)%n",
                    ttft * 1e3, firstToken[0] * 1e3, e2e * 1e3, end * 1e3);
            assertEquals(output + 1, r.chunks().size());
            assertEquals(firstToken[0], ttft, 0.005 + 0.02 * firstToken[0], "TTFT follows the simulation");
            assertEquals(end, e2e, 0.005 + 0.01 * end, "E2E follows the simulation");
        }
    }

    @Test
    void manyConcurrentStreamsStayOnTime(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.jsonl");
        try (SimServer server = SimServer.builder(CONFIG).port(0).firstTokenLog(log).build().start()) {
            run(server, log, 20, 20, 500, 2);
            Map<String, double[]> m = run(server, log, 300, 300, 1000, 64);
            double[] diff = column(m, v -> v[0] - v[1]);
            double[] lag = column(m, v -> v[2]);
            System.out.printf("300 streams: client TTFT - server TTFT p50 %.3f p99 %.3f max %.3f ms; server lag p50 %.3f p99 %.3f ms%n",
                    percentile(diff, 50), percentile(diff, 99), percentile(diff, 100), percentile(lag, 50), percentile(lag, 99));
            assertEquals(300, m.size());
            assertTrue(percentile(lag, 99) < 20, "server lag p99 " + percentile(lag, 99) + " ms");
        }
    }
}
