package io.agentload.replay;

import io.agentload.endpoint.Endpoint;
import io.agentload.endpoint.FakeOpenAiServer;
import io.agentload.endpoint.Reply;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault drill of issue #15: 16 agents replay against a server that misbehaves in turn, eight ways, through a
 * 30-second window. Nothing may hold the run: it ends on time, every request the server saw has exactly one record,
 * each fault has its own status, and the legal stream framed with CRLF and comment lines counts as good.
 */
class FaultDrillTest {

    /** A fault the server plays, and the status its requests must be recorded with. */
    private record Kind(String name, Reply reply, String status) {
    }

    private static final Reply PACED = Reply.stream().withFirstTokenDelay(Duration.ofMillis(20))
            .withInterval(Duration.ofMillis(10));
    private static final List<Kind> KINDS = List.of(
            new Kind("HTTP 500", Reply.status(500, "{\"error\":{\"message\":\"engine died\"}}"), "http_500"),
            new Kind("429 with Retry-After", Reply.status(429, "{\"error\":{\"message\":\"slow down\"}}")
                    .withHeader("Retry-After", "2"), "http_429"),
            new Kind("cut after three tokens", PACED.cutAfter(3), "stream_cut"),
            new Kind("malformed event", Reply.raw("data: {\"choices\": [ oops\n\n"), "malformed_sse"),
            new Kind("stalls after its first token", PACED.stallAfter(1), "timeout"),
            new Kind("no usage", PACED.withoutUsage(), "missing_usage"),
            new Kind("CRLF and comments", PACED.withLineEnding("\r\n").withKeepAliveComments(), "ok"),
            new Kind("normal", PACED, "ok"));

    @TempDir
    Path tmp;

    @Test
    @Tag("slow")
    void sixteenAgentsThroughEightFaultsFinishOnTimeAndRecordEveryRequestOnce() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(PACED, true);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("fake").noApiKey()
                     .stallTimeout(Duration.ofSeconds(2)).build()) {
            for (int i = 0; i < 2000; i++) server.enqueue(KINDS.stream().map(Kind::reply).toArray(Reply[]::new));
            Path dir = tmp.resolve("drill");
            ReplayResult result = Replay.against(endpoint).withSessions(Sessions.quick(8, 500)).withAgents(16)
                    .withWindow(Duration.ofSeconds(30)).run(dir);

            TrialMetrics m = result.trial();
            assertEquals(30, m.windowSeconds(), 1e-9);
            assertTrue(m.windowStart() - m.startTime() < 10, "the stalled streams held the warm-up: " + m);
            assertTrue(m.endTime() - m.startTime() <= 90, "finished within 90 s: " + m);
            assertTrue(m.endTime() - m.windowEnd() <= 2 + 1, "the cool-down waited for a stall timeout at most: " + m);

            List<RequestRecord> records = Run.open(dir).records();
            Map<String, Long> ids = records.stream()
                    .collect(Collectors.groupingBy(RequestRecord::requestId, Collectors.counting()));
            assertTrue(ids.values().stream().allMatch(n -> n == 1), "no request recorded twice");
            Map<Reply, Kind> kindOf = new IdentityHashMap<>();
            for (Kind k : KINDS) kindOf.put(k.reply(), k);
            Map<String, Kind> served = new HashMap<>();
            Map<String, Integer> asked = new HashMap<>();
            for (FakeOpenAiServer.Received r : server.received()) {
                served.put(r.header("x-request-id"), kindOf.get(r.reply()));
                asked.put(r.header("x-request-id"), r.json().path("max_tokens").asInt());
            }
            assertTrue(ids.keySet().containsAll(served.keySet()), "every request the server saw is recorded");
            assertEquals(Set.of(), records.stream().filter(r -> !served.containsKey(r.requestId()))
                    .filter(r -> !r.status().equals(RequestRecord.CUT_AT_END)).collect(Collectors.toSet()),
                    "a record the server did not see was cut before it was sent");

            Map<String, Map<String, Integer>> statusesByKind = new TreeMap<>();
            for (RequestRecord r : records) {
                Kind k = served.get(r.requestId());
                if (k == null) continue;
                statusesByKind.computeIfAbsent(k.name(), n -> new TreeMap<>()).merge(r.status(), 1, Integer::sum);
                if (r.status().equals(RequestRecord.CUT_AT_END)) {
                    // Cool-down traffic, or a measured request with no token yet whose agent a fault had already
                    // failed: the settled cool-down does not wait for it (it is still recorded, as a failure).
                    assertTrue(r.phase() == RequestRecord.Phase.COOL_DOWN
                            || r.measured() && r.errorDetail().contains("every measured request in flight was settled")
                            && failedBefore(records, r), "only cool-down traffic or settled agents are cut: " + r);
                    continue;
                }
                if (r.status().equals(RequestRecord.CUT_AT_GRACE)) {
                    // A measured request still streaming after the window whose agent's verdict was already settled
                    // (a failed request fails it): the cool-down does not wait for it.
                    assertTrue(r.measured() && r.errorDetail().contains("every measured request in flight was settled"),
                            r.errorDetail());
                    continue;
                }
                assertEquals(k.status(), r.status(), k.name() + ": " + r.errorDetail());
                switch (k.status()) {
                    case "ok" -> assertEquals(asked.get(r.requestId()), r.outputTokens(), k.name());
                    case "timeout" -> {
                        assertEquals(1, r.outputTokens(), "the stalled stream keeps its one token");
                        assertTrue(r.errorDetail().contains("no output for 2 s once the stream had begun"),
                                r.errorDetail());
                        assertEquals(2, r.endTime() - r.firstTokenTime(), 0.5, "ended by the stall timeout");
                    }
                    case "stream_cut" -> assertEquals(3, r.outputTokens(), r.errorDetail());
                    case "http_429" -> assertTrue(r.errorDetail().contains("HTTP 429 (Retry-After 2): "), r.errorDetail());
                    default -> {
                    }
                }
                if (!r.ok()) assertTrue(r.errorDetail().contains("request " + r.requestId()), r.errorDetail());
            }
            assertEquals(KINDS.stream().map(Kind::name).collect(Collectors.toCollection(TreeSet::new)),
                    statusesByKind.keySet(), "every kind was played: " + statusesByKind);
            Set<String> faults = new TreeSet<>(result.requestsByStatus().keySet());
            faults.remove(RequestRecord.OK);
            faults.remove(RequestRecord.CUT_AT_END);
            faults.remove(RequestRecord.CUT_AT_GRACE);
            assertEquals(Set.of("http_429", "http_500", "malformed_sse", "missing_usage", "stream_cut", "timeout"), faults,
                    "each fault has its own status");
            assertTrue(statusesByKind.get("CRLF and comments").getOrDefault(RequestRecord.OK, 0) > 0,
                    "CRLF-framed ones count as good: " + statusesByKind);
            assertTrue(m.measuredRequests() > 100, "the agents went on through every fault: " + m);
            assertEquals(records.stream().filter(r -> r.measured() && !r.answered()).count(), m.failedRequests());
        }
    }

    /** Whether {@code cut}'s agent had a measured request fail by a fault before {@code cut} was cut. */
    private static boolean failedBefore(List<RequestRecord> records, RequestRecord cut) {
        return records.stream().anyMatch(r -> r.agent() == cut.agent() && r.measured() && !r.answered()
                && !r.status().equals(RequestRecord.CUT_AT_END) && r.endTime() <= cut.endTime());
    }
}
