package io.agentload.endpoint;

import io.agentload.trajectory.PromptLayout;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointTest {

    private static final PromptLayout LAYOUT = Layouts.single(1_000, 200);
    private static final EndpointRequest REQUEST = EndpointRequest.of(LAYOUT, 42, 5).withAgentId("a7");
    private static final long MS = 1_000_000;

    private FakeOpenAiServer server;
    private Endpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        server = FakeOpenAiServer.start();
        endpoint = builder().build();
    }

    @AfterEach
    void stop() throws IOException {
        endpoint.close();
        server.close();
    }

    private Endpoint.Builder builder() {
        return Endpoint.builder().baseUrl(server.baseUrl()).model("llama").environment(Map.<String, String>of()::get);
    }

    private static CompletionResult send(Endpoint endpoint, EndpointRequest request) throws Exception {
        return endpoint.send(request).get(20, TimeUnit.SECONDS);
    }

    private CompletionResult send(Reply reply) throws Exception {
        server.enqueue(reply);
        return send(endpoint, REQUEST);
    }

    @Test
    void theJavadocExampleRuns() throws Exception {
        Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model("meta-llama/Llama-3.1-8B-Instruct").build();
        CompletionResult r = endpoint.send(EndpointRequest.of(LAYOUT, 42, 200)).join();
        assertTrue(r.ttftSeconds() > 0 && r.outputTokensPerSecond() > 0 && r.cachedTokens() == 0, r.toString());
        endpoint.close();
    }

    @Test
    void completionsStreamIsMeasuredExactly() throws Exception {
        CompletionResult r = send(Reply.stream().withCachedTokens(192));

        assertEquals(CompletionResult.OK, r.status(), r.detail());
        assertTrue(r.ok());
        assertEquals("", r.detail());
        assertEquals(1_000, r.inputTokens(), "the server counted the token ids it received");
        assertEquals(192, r.cachedTokens());
        assertEquals(5, r.outputTokens());
        assertEquals(5, r.outputChunks());
        assertTrue(r.usageReported());
        assertEquals("length", r.finishReason());

        FakeOpenAiServer.Received received = server.received().get(0);
        assertEquals("POST", received.method());
        assertEquals("/v1/completions", received.path());
        assertEquals("text/event-stream", received.header("accept"));
        assertEquals("identity", received.header("accept-encoding"));
        assertNull(received.header("authorization"));
        assertNull(received.header("x-request-id"), "no id given, none sent");
        assertNull(received.header("transfer-encoding"), "sent with a Content-Length, not chunked");
        BodyOptions options = new BodyOptions("llama", 0, true, true, TokenIdRange.DEFAULT);
        ByteString expected = PromptBodyTest.bytes(new CompletionsBody(options, new PromptTokens(LAYOUT, 42, TokenIdRange.DEFAULT), 5));
        assertEquals(expected, ByteString.of(received.body()));
        assertEquals(String.valueOf(expected.size()), received.header("content-length"));
    }

    @Test
    void timesFollowCausalityAndTheServersSchedule() throws Exception {
        send(Reply.stream(1)); // loads and compiles the client's code, which a cold first request would time
        CompletionResult r = send(Reply.stream(11).withFirstTokenDelay(Duration.ofMillis(200)).withInterval(Duration.ofMillis(20)));
        assertTrue(r.ok(), r.detail());
        FakeOpenAiServer.Received received = server.received().get(1);
        List<Long> written = received.tokenWriteNanos();
        long[] arrived = r.chunkNanos();

        assertTrue(r.sendNanos() < received.receivedNanos(), "sent before the server read it");
        assertTrue(r.sendNanos() < r.writtenNanos() && r.writtenNanos() < r.firstByteNanos(), "uploaded, then answered");
        assertEquals(r.uploadSeconds(), (r.writtenNanos() - r.sendNanos()) / 1e9, 1e-12);
        assertTrue(r.firstByteNanos() > received.receivedNanos());
        assertTrue(r.firstByteNanos() <= r.firstTokenNanos());
        assertEquals(11, arrived.length);
        for (int i = 0; i < 11; i++) {
            assertTrue(arrived[i] >= written.get(i), "chunk " + i + " arrived after the server began writing it");
            assertTrue(arrived[i] - written.get(i) < 100 * MS, "chunk " + i + " stamped "
                    + (arrived[i] - written.get(i)) / MS + " ms after its write over loopback");
        }
        assertTrue(r.lastTokenNanos() <= r.endNanos());
        assertTrue(r.ttftSeconds() >= 0.2, "ttft " + r.ttftSeconds() + " includes the server's 200 ms");
        assertTrue(r.timeToFirstByteSeconds() < r.ttftSeconds() - 0.15, "headers came before the delayed first token");
        // The client's speed is the server's: 10 gaps of about 20 ms, as the server wrote them.
        double serverSpeed = 10 / ((written.get(10) - written.get(0)) / 1e9);
        assertEquals(serverSpeed, r.outputTokensPerSecond(), serverSpeed * 0.2);
        assertTrue(serverSpeed > 30 && serverSpeed <= 50.5, "server wrote at " + serverSpeed + " tok/s");
    }

    @Test
    void aRequestIsSentFromAPlatformThreadAndItsStreamReadOnAVirtualOne() throws Exception {
        server.enqueue(Reply.stream(3).withFirstTokenDelay(Duration.ofMillis(200)));
        CompletableFuture<Thread> reader = new CompletableFuture<>();
        endpoint.send(REQUEST).whenComplete((r, failure) -> reader.complete(Thread.currentThread()));
        Thread streamThread = reader.get(20, TimeUnit.SECONDS);
        assertTrue(streamThread.isVirtual() && streamThread.getName().startsWith("agentload-stream-"),
                "the stream was read on " + streamThread);
        // The kernel runs a platform thread when its send is due, where a virtual one waits for its carrier.
        assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("agentload-send-")),
                "no platform send thread");
    }

    @Test
    void chatStreamCountsReasoningButNotTheRoleChunk() throws Exception {
        try (Endpoint chat = builder().api(Endpoint.Api.CHAT).build()) {
            server.enqueue(Reply.stream(3).withReasoning(2));
            CompletionResult r = send(chat, REQUEST);
            assertTrue(r.ok(), r.detail());
            assertEquals(5, r.outputChunks(), "2 reasoning + 3 content chunks; the empty role chunk is not a token");
            assertEquals(5, r.outputTokens());
            assertEquals(1_000, r.inputTokens(), "the server counted 1,000 words");
            FakeOpenAiServer.Received received = server.received().get(0);
            assertEquals("/v1/chat/completions", received.path());
            assertEquals(2, received.json().get("messages").size());
        }
    }

    @Test
    void everyLineEndingKeepAliveAndBatchingParsesTheSame() throws Exception {
        for (Reply reply : List.of(Reply.stream(7).withLineEnding("\r\n"), Reply.stream(7).withLineEnding("\r"),
                Reply.stream(7).withKeepAliveComments(), Reply.stream(7).withEventsPerWrite(3),
                Reply.stream(7).withLineEnding("\r\n").withKeepAliveComments().withEventsPerWrite(7))) {
            CompletionResult r = send(reply);
            assertTrue(r.ok(), r.detail());
            assertEquals(7, r.outputChunks());
            assertEquals(7, r.outputTokens());
        }
        assertEquals(1, server.connections(), "one keep-alive connection served all five requests");
    }

    @Test
    void a200KbLineIsJustAChunk() throws Exception {
        CompletionResult r = send(Reply.stream(3).withHugeText(200_000));
        assertTrue(r.ok(), r.detail());
        assertEquals(3, r.outputChunks());
    }

    @Test
    void aRefusedConnectionIsAResult() throws Exception {
        int port = TestEndpoints.closedPort();
        try (Endpoint dead = Endpoint.builder().baseUrl("http://127.0.0.1:" + port + "/v1").model("m")
                .environment(Map.<String, String>of()::get).build()) {
            CompletionResult r = send(dead, REQUEST);
            assertEquals(CompletionResult.REFUSED, r.status());
            assertTrue(r.detail().endsWith("[POST http://127.0.0.1:" + port + "/v1/completions, agent a7, session s1, turn 0]"), r.detail());
            assertEquals(CompletionResult.NOT_REACHED, r.firstByteNanos());
            assertEquals(CompletionResult.NOT_REACHED, r.writtenNanos());
            assertTrue(Double.isNaN(r.uploadSeconds()));
            assertTrue(Double.isNaN(r.ttftSeconds()));
            assertEquals(0, r.outputChunks());
        }
    }

    @Test
    void httpErrorsKeepTheirCodeAndABodyExcerpt() throws Exception {
        CompletionResult tooMany = send(Reply.status(429, "{\"error\":{\"message\":\"Too many requests\",\n\"type\":\"rate_limit\"}}"));
        assertEquals("http_429", tooMany.status());
        assertEquals("HTTP 429: {\"error\":{\"message\":\"Too many requests\", \"type\":\"rate_limit\"}} [POST " + server.baseUrl()
                + "/completions, agent a7, session s1, turn 0]", tooMany.detail());
        CompletionResult error = send(Reply.status(500, "x".repeat(5_000)));
        assertEquals("http_500", error.status());
        assertTrue(error.detail().startsWith("HTTP 500: " + "x".repeat(200) + "... [POST"), error.detail());
        assertTrue(error.firstByteNanos() > error.sendNanos());
        assertEquals(1, server.connections(), "the connection is still good after an error response");
    }

    @Test
    void noFirstTokenInTimeIsATimeout() throws Exception {
        try (Endpoint quick = builder().firstTokenTimeout(Duration.ofMillis(300)).build()) {
            server.enqueue(Reply.stall());
            CompletionResult r = send(quick, REQUEST);
            assertEquals(CompletionResult.TIMEOUT, r.status());
            assertTrue(r.detail().startsWith("no first token within 0.3 s (0 output chunks received)"), r.detail());
            assertTrue(r.e2eSeconds() >= 0.3 && r.e2eSeconds() < 1, "gave up after " + r.e2eSeconds());

            server.enqueue(Reply.stream(3).withFirstTokenDelay(Duration.ofSeconds(5)));
            CompletionResult headersOnly = send(quick, REQUEST);
            assertEquals(CompletionResult.TIMEOUT, headersOnly.status(), "headers alone are not a first token");
            assertTrue(headersOnly.firstByteNanos() != CompletionResult.NOT_REACHED);
        }
    }

    @Test
    void aStreamStalledMidWayTimesOutAndKeepsWhatArrived() throws Exception {
        try (Endpoint quick = builder().totalTimeout(Duration.ofMillis(500)).build()) {
            server.enqueue(Reply.stream(10).stallAfter(2));
            CompletionResult r = send(quick, REQUEST);
            assertEquals(CompletionResult.TIMEOUT, r.status());
            assertTrue(r.detail().startsWith("stream not finished within 0.5 s (2 output chunks received)"), r.detail());
            assertEquals(2, r.outputChunks());
            assertEquals(2, r.outputTokens());
            assertFalse(r.usageReported());
        }
    }

    @Test
    void aStreamSilentAfterItsFirstTokenEndsAtTheStallTimeoutNotTheTotalOne() throws Exception {
        try (Endpoint quick = builder().stallTimeout(Duration.ofMillis(300)).build()) {
            server.enqueue(Reply.stream(10).stallAfter(1));
            CompletionResult r = send(quick, REQUEST);
            assertEquals(CompletionResult.TIMEOUT, r.status());
            assertTrue(r.detail().startsWith("no output for 0.3 s once the stream had begun (1 output chunks received)"),
                    r.detail());
            assertEquals(1, r.outputTokens());
            assertTrue(r.e2eSeconds() >= 0.3 && r.e2eSeconds() < 5, "gave up after " + r.e2eSeconds());
        }
    }

    @Test
    void aSlowButSteadyStreamIsNotAStall() throws Exception {
        try (Endpoint quick = builder().stallTimeout(Duration.ofMillis(300)).build()) {
            server.enqueue(Reply.stream(8).withInterval(Duration.ofMillis(100)));
            CompletionResult r = send(quick, REQUEST);
            assertEquals(CompletionResult.OK, r.status(), r.detail());
            assertTrue(r.e2eSeconds() > 0.6, "8 chunks 100 ms apart outlast the 300 ms stall limit: " + r.e2eSeconds());
        }
    }

    @Test
    void aCutStreamKeepsItsChunks() throws Exception {
        CompletionResult r = send(Reply.stream(10).cutAfter(3));
        assertEquals(CompletionResult.STREAM_CUT, r.status());
        assertTrue(r.detail().startsWith("the stream broke after 3 output chunks"), r.detail());
        assertEquals(3, r.outputChunks());
        assertEquals(3, r.outputTokens());
        assertEquals(1_000, r.inputTokens(), "without usage: the prompt length sent");
        assertEquals(-1, r.cachedTokens());
        assertFalse(r.usageReported());
    }

    @Test
    void malformedStreamsAreResults() throws Exception {
        CompletionResult badLine = send(Reply.raw("data: {\"choices\":[{\"text\":\" a\"}]}\n\nnot an sse line\n\n"));
        assertEquals(CompletionResult.MALFORMED_SSE, badLine.status());
        assertTrue(badLine.detail().startsWith("line 3 of the event stream is not a server-sent event field: 'not an sse line' (after 1 output chunks)"),
                badLine.detail());
        assertEquals(1, badLine.outputChunks());

        CompletionResult badJson = send(Reply.raw("data: {\"choices\":[{\"text\":\" a\"}]\n\ndata: [DONE]\n\n"));
        assertEquals(CompletionResult.MALFORMED_SSE, badJson.status());
        assertTrue(badJson.detail().startsWith("event data is not valid JSON"), badJson.detail());

        CompletionResult notSse = send(Reply.status(200, "{\"choices\":[{\"text\":\"all at once\"}]}"));
        assertEquals(CompletionResult.MALFORMED_SSE, notSse.status());
        assertTrue(notSse.detail().startsWith("content type application/json, not text/event-stream: {\"choices\""), notSse.detail());
    }

    @Test
    void aMissingUsageIsFlaggedWithTheClientsCount() throws Exception {
        CompletionResult r = send(Reply.stream(4).withoutUsage());
        assertEquals(CompletionResult.MISSING_USAGE, r.status());
        assertFalse(r.ok());
        assertEquals(4, r.outputTokens());
        assertEquals(4, r.outputChunks());
        assertFalse(r.usageReported());
        assertEquals("length", r.finishReason());
        assertTrue(r.ttftSeconds() > 0);
    }

    @Test
    void usageAndAFinishReasonCompleteAStreamWithoutDone() throws Exception {
        CompletionResult r = send(Reply.stream(4).withoutDone());
        assertEquals(CompletionResult.OK, r.status(), r.detail());
        CompletionResult cut = send(Reply.stream(4).withoutDone().withoutUsage());
        assertEquals(CompletionResult.MISSING_USAGE, cut.status());
        CompletionResult nothing = send(Reply.raw("data: {\"choices\":[{\"text\":\" a\",\"finish_reason\":null}]}\n\n"));
        assertEquals(CompletionResult.STREAM_CUT, nothing.status());
        assertTrue(nothing.detail().startsWith("the stream ended after 1 output chunks, before [DONE]"), nothing.detail());
    }

    @Test
    void aStreamedErrorIsAResult() throws Exception {
        CompletionResult r = send(Reply.raw("data: {\"choices\":[{\"text\":\" a\"}]}\n\n"
                + "data: {\"error\":{\"message\":\"engine died\",\"code\":500}}\n\ndata: [DONE]\n\n"));
        assertEquals(CompletionResult.STREAM_ERROR, r.status());
        assertTrue(r.detail().startsWith("the server streamed an error after 1 output chunks: engine died"), r.detail());
    }

    @Test
    void aConnectionClosedBeforeAnyResponseIsAnIoError() throws Exception {
        CompletionResult r = send(Reply.closeWithoutResponse());
        assertEquals(CompletionResult.IO_ERROR, r.status(), r.toString());
        assertTrue(r.detail().startsWith("java.io.IOException: unexpected end of stream"), r.detail());
        assertEquals(1, server.requests(), "a fresh connection is not retried");
    }

    @Test
    void aKeepAliveConnectionClosedUnderARequestIsRetriedOnANewOne() throws Exception {
        server.enqueue(Reply.stream(2), Reply.closeWithoutResponse());
        assertTrue(send(endpoint, REQUEST).ok());
        CompletionResult retried = send(endpoint, REQUEST);
        assertTrue(retried.ok(), retried.detail());
        assertEquals(3, server.requests(), "OkHttp sent the request again, and the retry's time is in its TTFT");
        assertEquals(2, server.connections());
    }

    @Test
    void eachAgentKeepsItsOwnConnection() throws Exception {
        EndpointRequest b = EndpointRequest.of(LAYOUT, 43, 5).withAgentId("b");
        for (int round = 0; round < 2; round++) {
            assertTrue(send(endpoint, REQUEST).ok());
            assertTrue(send(endpoint, b).ok());
        }
        assertEquals(List.of(1, 2, 1, 2), server.received().stream().map(FakeOpenAiServer.Received::connection).toList(),
                "agent a7's turns on one connection, b's on another, although a7's was idle when b sent");
    }

    @Test
    void aConnectionIdleBeyondTheKeepAliveIsClosedByTheClientNotReused() throws Exception {
        try (Endpoint shortKeepAlive = builder().keepAlive(Duration.ofMillis(300)).build()) {
            assertTrue(send(shortKeepAlive, REQUEST).ok());
            assertTrue(send(shortKeepAlive, REQUEST).ok());
            assertEquals(1, server.connections(), "a turn within the keep-alive reuses the connection");
            Thread.sleep(900);
            assertTrue(send(shortKeepAlive, REQUEST).ok());
            assertEquals(2, server.connections(), "a turn after a longer idle time opens a new connection");
            assertEquals(3, server.requests(), "and no request went out on a closed connection to be retried");
        }
        assertThrows(IllegalArgumentException.class, () -> builder().keepAlive(Duration.ZERO));
    }

    @Test
    void theDefaultKeepAliveEndsBeforeUvicornsIdleTimeout() {
        assertTrue(Endpoint.DEFAULT_KEEP_ALIVE.compareTo(Duration.ofSeconds(5)) < 0, Endpoint.DEFAULT_KEEP_ALIVE.toString());
    }

    @Test
    void theApiKeyIsSentButNeverShown() throws Exception {
        String key = "sk-test-0123456789abcdef";
        try (Endpoint secured = builder().environment(Map.of("MY_KEY", key)::get).apiKeyFromEnv("MY_KEY").build()) {
            server.enqueue(Reply.stream(2), Reply.status(401, "{\"error\":\"invalid key " + key + " for Bearer " + key + "\"}"));
            CompletionResult ok = send(secured, REQUEST);
            CompletionResult denied = send(secured, REQUEST);
            assertEquals("Bearer " + key, server.received().get(0).header("authorization"));
            assertTrue(ok.ok());
            assertEquals("http_401", denied.status());
            assertTrue(denied.detail().contains("invalid key [redacted] for Bearer [redacted]"), denied.detail());
            for (String shown : List.of(denied.detail(), denied.toString(), ok.toString(), secured.toString(), secured.url())) {
                assertFalse(shown.contains(key), shown);
                assertFalse(shown.contains("0123456789"), shown);
            }
            assertEquals("Endpoint[COMPLETIONS " + server.baseUrl() + "/completions, model llama, API key from $MY_KEY]", secured.toString());
        }
    }

    @Test
    void aRequestIdIsSentAsXRequestIdAndNamesTheRequestInDetails() throws Exception {
        server.enqueue(Reply.stream(2), Reply.status(500, "{}"));
        CompletionResult ok = send(endpoint, REQUEST.withRequestId("0-7-1f2e3d-4"));
        CompletionResult failed = send(endpoint, REQUEST.withRequestId("0-7-1f2e3d-5"));
        assertTrue(ok.ok(), ok.toString());
        assertEquals("0-7-1f2e3d-4", server.received().get(0).header("x-request-id"));
        assertTrue(failed.detail().endsWith("agent a7, session s1, turn 0, request 0-7-1f2e3d-5]"), failed.detail());
        assertThrows(IllegalArgumentException.class, () -> REQUEST.withRequestId("has space"));
        assertThrows(IllegalArgumentException.class, () -> REQUEST.withRequestId("x".repeat(201)));
    }

    @Test
    void theKeyVariableIsRequiredWhenNamedAndOptionalByDefault() throws Exception {
        EndpointException missing = assertThrows(EndpointException.class,
                () -> builder().apiKeyFromEnv("MY_KEY").build());
        assertEquals("environment variable MY_KEY (the API key) is not set", missing.getMessage());

        try (Endpoint byDefault = builder().environment(Map.of("OPENAI_API_KEY", "sk-default")::get).build();
             Endpoint without = builder().environment(Map.of("OPENAI_API_KEY", "sk-default")::get).noApiKey().build()) {
            send(byDefault, REQUEST);
            send(without, REQUEST);
            assertEquals("Bearer sk-default", server.received().get(0).header("authorization"));
            assertNull(server.received().get(1).header("authorization"));
            assertTrue(without.toString().endsWith("no API key]"));
            assertEquals("OPENAI_API_KEY", byDefault.apiKeyVariable());
            assertEquals("", without.apiKeyVariable());
        }
    }

    @Test
    void userInfoAndQueryNeverReachResults() throws Exception {
        String url = "http://user:hunter2@127.0.0.1:" + server.port() + "/v1?api-version=2024&key=abc";
        try (Endpoint e = Endpoint.builder().baseUrl(url).model("m").environment(Map.<String, String>of()::get).build()) {
            server.enqueue(Reply.status(503, "busy"));
            CompletionResult r = send(e, REQUEST);
            assertEquals("http_503", r.status());
            assertEquals("http://127.0.0.1:" + server.port() + "/v1/completions", e.url());
            assertFalse(r.detail().contains("hunter2") || r.detail().contains("key=abc"), r.detail());
            assertEquals("/v1/completions?api-version=2024&key=abc", server.received().get(0).path(), "the query is still sent");
        }
    }

    private static String urlOf(Endpoint.Builder builder) {
        try (Endpoint e = builder.model("m").environment(Map.<String, String>of()::get).build()) {
            return e.url();
        }
    }

    @Test
    void baseUrlsAreCompletedAndCheckedWhenBuilt() {
        assertEquals("http://localhost:8000/v1/completions", urlOf(Endpoint.builder().baseUrl("http://localhost:8000")));
        assertEquals("http://localhost:8000/v1/chat/completions",
                urlOf(Endpoint.builder().baseUrl("http://localhost:8000/v1/").api(Endpoint.Api.CHAT)));
        assertEquals("https://api.example.com/openai/v1/completions", urlOf(Endpoint.builder().baseUrl("https://api.example.com/openai/v1")));
        assertEquals("base URL 'localhost:8000' is not an http or https URL", assertThrows(EndpointException.class,
                () -> Endpoint.builder().baseUrl("localhost:8000").model("m").build()).getMessage());
        assertThrows(EndpointException.class, () -> Endpoint.builder().baseUrl("http://h/v1").build());
        assertThrows(IllegalArgumentException.class, () -> Endpoint.builder().temperature(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.builder().firstTokenTimeout(Duration.ZERO));
    }

    @Test
    void closingCancelsWhatIsRunningAndLaterSends() throws Exception {
        Endpoint closing = builder().build();
        server.enqueue(Reply.stall());
        CompletableFuture<CompletionResult> running = closing.send(REQUEST);
        while (server.requests() == 0) Thread.sleep(5);
        closing.close();
        CompletionResult r = running.get(5, TimeUnit.SECONDS);
        assertEquals(CompletionResult.CANCELLED, r.status());
        assertTrue(r.detail().startsWith("the endpoint was closed"), r.detail());
        assertEquals(CompletionResult.CANCELLED, closing.send(REQUEST).get(5, TimeUnit.SECONDS).status());
    }

    @Test
    void cancellingTheFutureCancelsTheCall() throws Exception {
        server.enqueue(Reply.stall());
        CompletableFuture<CompletionResult> stalled = endpoint.send(REQUEST);
        while (server.requests() == 0) Thread.sleep(5);
        stalled.cancel(true);
        assertTrue(stalled.isCancelled());
        CompletionResult next = send(endpoint, REQUEST);
        assertTrue(next.ok(), "the endpoint goes on serving: " + next.detail());
    }

    @Test
    void stoppingARequestKeepsWhatItReceived() throws Exception {
        server.enqueue(Reply.stream(10).stallAfter(3));
        CompletableFuture<CompletionResult> stalled = endpoint.send(REQUEST);
        while (server.requests() == 0 || server.received().get(0).tokenWriteNanos.size() < 3) Thread.sleep(5);
        Thread.sleep(200); // the three chunks reach the client
        endpoint.stop(stalled, "the trial ended");
        CompletionResult r = stalled.get(5, TimeUnit.SECONDS);
        assertEquals(CompletionResult.CANCELLED, r.status());
        assertEquals(3, r.outputChunks(), r.toString());
        assertTrue(r.detail().startsWith("the trial ended (3 output chunks received)"), r.detail());
        endpoint.stop(stalled, "again"); // an ended request stays as it ended
        assertEquals(r, stalled.get());
        assertThrows(IllegalArgumentException.class, () -> endpoint.stop(new CompletableFuture<>(), "not ours"));
        assertTrue(send(endpoint, REQUEST).ok(), "the endpoint goes on serving");
    }

    @Test
    void malformedRepliesAreEachOneClearStatusNamingTheRequest() throws Exception {
        String named = " [POST " + server.baseUrl() + "/completions, agent a7, session s1, turn 0]";
        try (FakeOpenAiServer other = FakeOpenAiServer.start()) {
            Map<Reply, String> replies = new java.util.LinkedHashMap<>();
            replies.put(Reply.raw("data: not json at all\n\n"), "malformed_sse: ");
            replies.put(Reply.status(200, "{\"choices\":[{\"text\":\"hi\"}]}"), "malformed_sse: content type "
                    + "application/json, not text/event-stream: {\"choices\":[{\"text\":\"hi\"}]}");
            replies.put(Reply.status(200, "<html><body><h1>502 Bad Gateway</h1></body></html>")
                    .withContentType("text/html"), "malformed_sse: content type text/html, not text/event-stream: "
                    + "<html><body><h1>502 Bad Gateway</h1></body></html>");
            replies.put(Reply.stream(3).withHugeText(17 << 20), "malformed_sse: line 1 of the event stream is longer "
                    + "than 16 MiB: not an OpenAI chunk (after 0 output chunks)");
            replies.put(Reply.status(307, "").withHeader("Location", other.baseUrl() + "/completions"),
                    "http_307: HTTP 307 (a redirect to " + other.baseUrl() + "/completions, not followed: the benchmark "
                            + "measures the server it was given): (empty body)");
            for (Map.Entry<Reply, String> e : replies.entrySet()) {
                CompletionResult r = send(e.getKey());
                assertTrue((r.status() + ": " + r.detail()).startsWith(e.getValue()), r.status() + ": " + r.detail());
                assertTrue(r.detail().endsWith(named), r.detail());
                assertEquals(1, r.detail().lines().count(), "one line: " + r.detail());
            }
            assertEquals(0, other.requests(), "nothing followed the redirect to another host");
        }
        assertTrue(send(Reply.stream()).ok(), "the endpoint goes on serving");
    }
}
