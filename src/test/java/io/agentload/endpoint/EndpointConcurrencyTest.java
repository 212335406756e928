package io.agentload.endpoint;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing in the client queues requests. Every request of a wave must reach the server before the server writes the
 * first token of any of them (a 2 s prefill), which no client with a concurrency limit below the wave can do: OkHttp's
 * default dispatcher runs 5 calls per host, a pool or semaphore of 64 or 100 would hold the rest until a stream ends.
 * The check is on the server's clock, not on TTFT bounds, so a loaded machine cannot make it flaky.
 */
@Tag("slow")
class EndpointConcurrencyTest {

    private static final int AGENTS = 300;

    @Test
    void everyConcurrentStreamReachesTheServerAtOnceAndKeepsItsConnection() throws Exception {
        Reply slowPrefill = Reply.stream(3).withFirstTokenDelay(Duration.ofSeconds(2));
        try (FakeOpenAiServer server = FakeOpenAiServer.start(slowPrefill, true);
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("m")
                     .environment(Map.<String, String>of()::get).build()) {
            for (int wave = 1; wave <= 2; wave++) {
                List<CompletableFuture<CompletionResult>> running = new ArrayList<>();
                for (int agent = 0; agent < AGENTS; agent++) {
                    running.add(endpoint.send(EndpointRequest.of(Layouts.single(2_000, 500), agent, 3).withAgentId("a" + agent)));
                }
                for (CompletableFuture<CompletionResult> f : running) {
                    CompletionResult r = f.get(60, TimeUnit.SECONDS);
                    assertTrue(r.ok(), r.toString());
                    assertTrue(r.ttftSeconds() >= 2, r.toString());
                }
                List<FakeOpenAiServer.Received> received = server.received().subList((wave - 1) * AGENTS, wave * AGENTS);
                long lastArrival = Long.MIN_VALUE, firstToken = Long.MAX_VALUE;
                for (FakeOpenAiServer.Received r : received) {
                    lastArrival = Math.max(lastArrival, r.receivedNanos());
                    firstToken = Math.min(firstToken, r.tokenWriteNanos().get(0));
                }
                assertTrue(lastArrival < firstToken, "wave " + wave + ": the last request arrived "
                        + (lastArrival - firstToken) / 1e6 + " ms after the first token was written");
                assertEquals(AGENTS, server.connections(), "wave " + wave + ": one connection per stream, kept alive");
            }
        }
    }
}
