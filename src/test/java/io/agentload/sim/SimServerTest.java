package io.agentload.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.Call;
import okhttp3.Response;
import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

import static io.agentload.sim.ServerClient.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulated server end to end on loopback, through a plain OkHttp client: wire format, prompts, cache, errors. */
class SimServerTest {
    /** Llama-3.1-8B on one H100, with a 16K context so that context limits are cheap to reach. */
    static final EngineConfig CONFIG = EngineConfig.of(SystemProfile.named("h100x8"),
            withContext(ModelProfile.named("llama-3.1-8b"), 16_384)).withReplicas(1);
    static final String MODEL = "llama-3.1-8b";
    static final int CONTEXT = 16_384;

    static SimServer server;
    static ServerClient client;
    static Path log;

    @BeforeAll
    static void start(@TempDir Path dir) {
        log = dir.resolve("first-tokens.jsonl");
        server = SimServer.builder(CONFIG).port(0).firstTokenLog(log).build().start();
        client = new ServerClient(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ModelProfile withContext(ModelProfile m, int context) {
        return new ModelProfile(m.name(), m.totalParameters(), m.activeParameters(), m.layers(), m.hiddenSize(),
                m.attentionWidth(), m.attentionParameters(), m.kvBytesPerToken(), m.kvPrecision(), m.slidingWindowLayers(), m.slidingWindow(),
                m.experts(), m.expertsPerToken(), m.weightPrecision(), m.expertPrecision(), context, m.source());
    }

    static ObjectNode completion(Object prompt, int maxTokens) {
        ObjectNode body = JSON.createObjectNode().put("model", MODEL).put("max_tokens", maxTokens);
        body.set("prompt", JSON.valueToTree(prompt));
        return body;
    }

    static ObjectNode chat(int maxTokens, String... roleContent) {
        ObjectNode body = JSON.createObjectNode().put("model", MODEL).put("max_tokens", maxTokens);
        ArrayNode messages = body.putArray("messages");
        for (int i = 0; i < roleContent.length; i += 2) {
            messages.addObject().put("role", roleContent[i]).put("content", roleContent[i + 1]);
        }
        return body;
    }

    static ObjectNode streaming(ObjectNode body) {
        body.put("stream", true).putObject("stream_options").put("include_usage", true);
        return body;
    }

    static Set<String> fields(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static String words(int from, int to) {
        StringBuilder out = new StringBuilder();
        OutputWords.appendText(out, from, to);
        return out.toString();
    }

    /** Distinct token ids in the range a replay client uses. */
    static List<Integer> ids(int count, long seed) {
        Random random = new Random(seed);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) ids.add(1000 + random.nextInt(99_000));
        return ids;
    }

    static JsonNode usage(ServerClient.Reply r) {
        return r.body() != null ? r.body().get("usage") : r.chunks().get(r.chunks().size() - 1).get("usage");
    }

    static void assertSseFraming(ServerClient.Reply r) {
        assertEquals(200, r.status());
        assertEquals("text/event-stream; charset=utf-8", r.contentType());
        assertEquals(2 * r.events().size(), r.rawLines().size(), "each event is one data line and a blank line");
        for (int i = 0; i < r.rawLines().size(); i += 2) {
            assertTrue(r.rawLines().get(i).startsWith("data: {") || r.rawLines().get(i).equals("data: [DONE]"), r.rawLines().get(i));
            assertEquals("", r.rawLines().get(i + 1));
        }
        assertEquals("[DONE]", r.events().get(r.events().size() - 1).asText());
    }

    static void assertUsageChunk(JsonNode chunk, String object, String id, int prompt, int completion, int cached) {
        assertEquals(Set.of("id", "object", "created", "model", "choices", "usage"), fields(chunk));
        assertEquals(id, chunk.get("id").asText());
        assertEquals(object, chunk.get("object").asText());
        assertEquals(0, chunk.get("choices").size());
        assertUsage(chunk.get("usage"), prompt, completion, cached);
    }

    static void assertUsage(JsonNode usage, int prompt, int completion, int cached) {
        assertEquals(Set.of("prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details"), fields(usage));
        assertEquals(prompt, usage.get("prompt_tokens").asInt());
        assertEquals(completion, usage.get("completion_tokens").asInt());
        assertEquals(prompt + completion, usage.get("total_tokens").asInt());
        assertEquals(Set.of("cached_tokens"), fields(usage.get("prompt_tokens_details")));
        assertEquals(cached, usage.get("prompt_tokens_details").get("cached_tokens").asInt());
    }

    @Test
    void streamedCompletionsFollowVllmsWireFormatExactly() {
        String prompt = "Write a Java method that returns the sum of two integers.";
        ObjectNode body = streaming(completion(prompt, 12)).put("ignore_eos", true).put("temperature", 0.7)
                .put("top_p", 0.95).put("seed", 7);
        ServerClient.Reply r = client.post("/completions", body);
        assertSseFraming(r);
        List<JsonNode> chunks = r.chunks();
        assertEquals(12 + 1, chunks.size(), "one chunk per decode step, then the usage");
        String id = chunks.get(0).get("id").asText();
        assertTrue(id.matches("cmpl-[0-9a-f]{32}"), id);
        long now = System.currentTimeMillis() / 1000;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            JsonNode c = chunks.get(i);
            assertEquals(Set.of("id", "object", "created", "model", "choices", "usage"), fields(c));
            assertEquals(id, c.get("id").asText());
            assertEquals("text_completion", c.get("object").asText());
            assertEquals(MODEL, c.get("model").asText());
            assertTrue(Math.abs(c.get("created").asLong() - now) <= 5, "created is epoch seconds");
            assertTrue(c.get("usage").isNull());
            assertEquals(1, c.get("choices").size());
            JsonNode choice = c.get("choices").get(0);
            assertEquals(Set.of("index", "text", "logprobs", "finish_reason", "stop_reason"), fields(choice));
            assertEquals(0, choice.get("index").asInt());
            assertTrue(choice.get("logprobs").isNull() && choice.get("stop_reason").isNull());
            assertEquals(i == 11 ? "length" : null, choice.get("finish_reason").textValue());
            text.append(choice.get("text").asText());
        }
        assertEquals(words(0, 12), text.toString());
        assertEquals(" the of and to in is that for it with as on", text.toString());
        assertUsageChunk(chunks.get(12), "text_completion", id, TextTokens.encode(prompt).length, 12, 0);
    }

    @Test
    void streamedChatFollowsVllmsWireFormatExactly() {
        ObjectNode body = streaming(chat(5, "system", "You are a coding agent.", "user", "List the files."));
        ServerClient.Reply r = client.post("/chat/completions", body);
        assertSseFraming(r);
        List<JsonNode> chunks = r.chunks();
        assertEquals(1 + 5 + 1, chunks.size(), "the role, one chunk per step, the usage");
        String id = chunks.get(0).get("id").asText();
        assertTrue(id.matches("chatcmpl-[0-9a-f]{32}"), id);
        JsonNode role = chunks.get(0);
        assertEquals(Set.of("id", "object", "created", "model", "choices"), fields(role));
        assertEquals("chat.completion.chunk", role.get("object").asText());
        JsonNode roleChoice = role.get("choices").get(0);
        assertEquals(Set.of("index", "delta", "logprobs", "finish_reason"), fields(roleChoice));
        assertEquals(JSON.createObjectNode().put("role", "assistant").put("content", ""), roleChoice.get("delta"));
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            JsonNode c = chunks.get(i);
            assertEquals(Set.of("id", "object", "created", "model", "choices"), fields(c));
            assertEquals(id, c.get("id").asText());
            JsonNode choice = c.get("choices").get(0);
            boolean last = i == 5;
            assertEquals(last ? Set.of("index", "delta", "logprobs", "finish_reason", "stop_reason")
                    : Set.of("index", "delta", "logprobs", "finish_reason"), fields(choice));
            assertEquals(Set.of("content"), fields(choice.get("delta")));
            assertEquals(last ? "length" : null, choice.get("finish_reason").textValue());
            text.append(choice.get("delta").get("content").asText());
        }
        assertEquals(words(0, 5), text.toString());
        int prompt = ChatTemplate.render(body.get("messages"), null).length;
        assertUsageChunk(chunks.get(6), "chat.completion.chunk", id, prompt, 5, 0);
        assertTrue(r.eventNanos().get(1) - r.eventNanos().get(0) < 2_000_000, "the role chunk comes with the first token");
    }

    @Test
    void wholeResponsesHaveVllmsFields() {
        ServerClient.Reply c = client.post("/completions", completion("Explain what a mutex is.", 4));
        assertEquals(200, c.status());
        assertEquals("application/json", c.contentType());
        assertEquals(Set.of("id", "object", "created", "model", "choices", "service_tier", "system_fingerprint", "usage"),
                fields(c.body()));
        assertEquals("text_completion", c.body().get("object").asText());
        JsonNode choice = c.body().get("choices").get(0);
        assertEquals(Set.of("index", "text", "logprobs", "finish_reason", "stop_reason"), fields(choice));
        assertEquals(words(0, 4), choice.get("text").asText());
        assertEquals("length", choice.get("finish_reason").asText());
        assertUsage(c.body().get("usage"), TextTokens.encode("Explain what a mutex is.").length, 4, 0);

        ObjectNode body = chat(3, "user", "Explain what a semaphore is.");
        ServerClient.Reply h = client.post("/chat/completions", body);
        assertEquals(200, h.status());
        assertEquals(Set.of("id", "object", "created", "model", "choices", "service_tier", "system_fingerprint", "usage"),
                fields(h.body()));
        assertEquals("chat.completion", h.body().get("object").asText());
        assertTrue(h.body().get("id").asText().startsWith("chatcmpl-"));
        JsonNode chatChoice = h.body().get("choices").get(0);
        assertEquals(Set.of("index", "message", "logprobs", "finish_reason", "stop_reason"), fields(chatChoice));
        JsonNode message = chatChoice.get("message");
        assertEquals(Set.of("role", "content", "refusal", "annotations", "audio", "function_call", "tool_calls"), fields(message));
        assertEquals("assistant", message.get("role").asText());
        assertEquals(words(0, 3), message.get("content").asText());
        assertEquals(0, message.get("tool_calls").size());
        assertUsage(h.body().get("usage"), ChatTemplate.render(body.get("messages"), null).length, 3, 0);
    }

    @Test
    void continuousUsageStatsCountTokensSoFar() {
        ObjectNode body = completion(List.of(5, 6, 7), 3).put("stream", true);
        body.putObject("stream_options").put("include_usage", true).put("continuous_usage_stats", true);
        List<JsonNode> chunks = client.post("/completions", body).chunks();
        for (int i = 0; i < 3; i++) {
            JsonNode usage = chunks.get(i).get("usage");
            assertEquals(Set.of("prompt_tokens", "completion_tokens", "total_tokens"), fields(usage));
            assertEquals(i + 1, usage.get("completion_tokens").asInt());
            assertEquals(i + 4, usage.get("total_tokens").asInt());
        }
        ObjectNode noUsage = completion(List.of(5, 6, 8), 2).put("stream", true);
        ServerClient.Reply r = client.post("/completions", noUsage);
        assertEquals(2 + 1, r.events().size(), "without include_usage: no usage chunk");
    }

    @Test
    void textAndTokenIdPromptsAreTheSamePrompt() {
        String text = "Refactor the parser so that every error names the file, the line and the field it found."
                + " Keep the public API unchanged and add a test for each error. Then run the whole suite once more.";
        int[] ids = TextTokens.encode(text);
        int p = ids.length;
        assertTrue(p > 32, "a few blocks long");
        List<Integer> idList = new ArrayList<>();
        for (int id : ids) idList.add(id);
        assertUsage(usage(client.post("/completions", completion(text, 1))), p, 1, 0);
        int cached = (p - 1) / 16 * 16;
        assertUsage(usage(client.post("/completions", completion(idList, 1))), p, 1, cached);
        assertUsage(usage(client.post("/completions", completion(List.of(text), 1))), p, 1, cached);
        assertUsage(usage(client.post("/completions", completion(List.of(idList), 1))), p, 1, cached);
        ObjectNode salted = completion(idList, 1).put("cache_salt", "another tenant");
        assertUsage(usage(client.post("/completions", salted)), p, 1, 0);

        ServerClient.Reply batch = client.post("/completions", completion(List.of(text, "another prompt"), 1));
        assertError(batch, 400, "BadRequestError", "batch");
        assertError(client.post("/completions", completion(List.of(List.of(1, 2), List.of(3)), 1)), 400, "BadRequestError", "batch");
        assertError(client.post("/completions", completion(List.of(1, TextTokens.VOCABULARY), 1)), 400, "BadRequestError",
                "out of vocabulary");
        assertError(client.post("/completions", completion("", 1)), 400, "BadRequestError", "empty");
    }

    @Test
    void aSecondTurnReusesThePromptAndTheOutputItSendsBack() {
        List<Integer> first = ids(500, 1);
        JsonNode u1 = usage(client.post("/completions", completion(first, 40).put("ignore_eos", true)));
        assertUsage(u1, 500, 40, 0);

        List<Integer> next = new ArrayList<>(first);
        for (int i = 0; i < 40; i++) next.add(OutputWords.tokenId(i));
        next.addAll(ids(300, 2));
        // The last output token's KV is never computed, so its block is cached only if full before it.
        assertUsage(usage(client.post("/completions", completion(next, 1))), 840, 1, (500 + 40 - 1) / 16 * 16);

        List<Integer> other = new ArrayList<>(first);
        other.addAll(ids(340, 3)); // the client's own ids where the output was: only the prompt's full blocks match
        assertUsage(usage(client.post("/completions", completion(other, 1))), 840, 1, 500 / 16 * 16);
    }

    /** Token ids for a layout as a replay client derives them: a hash of (origin, birth turn, salt, position). */
    static List<Integer> layoutIds(PromptLayout layout, long salt) {
        List<Integer> ids = new ArrayList<>();
        for (PromptLayout.Segment seg : layout.segments()) {
            long key = seg.origin().hashCode() * 31L + seg.birthTurn() + (seg.sharedPrefix() ? 0 : salt * 1_000_003L);
            for (int p = seg.start(); p < seg.end(); p++) ids.add(1000 + (int) Math.floorMod(mix(key + p), 99_000L));
        }
        return ids;
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Test
    void promptLayoutIdsGetExactlyTheReuseTheirLayoutsShare() {
        Session session = new Session("layout-session", "java", List.of(
                new Turn("layout-session", 0, "java", 3000, 0, "layout-harness", 1000, 50, 2000, List.of()),
                new Turn("layout-session", 1, "java", 3450, 3050, "layout-harness", 1000, 20, 2000, List.of())));
        List<PromptLayout> layouts = PromptLayout.of(session);
        assertUsage(usage(client.post("/completions", completion(layoutIds(layouts.get(0), 1), 50))), 3000, 50, 0);
        // The replay client's own ids stand where the answer was: the full blocks of the first prompt hit.
        assertUsage(usage(client.post("/completions", completion(layoutIds(layouts.get(1), 1), 20))), 3450, 20, 3000 / 16 * 16);
        // Another agent replaying the session shares only the harness's system prompt.
        assertUsage(usage(client.post("/completions", completion(layoutIds(layouts.get(0), 2), 50))), 3000, 50, 1000 / 16 * 16);
        // Splicing the server's answer into the next prompt reuses the answer too (but for its last token, whose KV
        // is never computed), as the virtual-time simulation assumes.
        List<Integer> spliced = layoutIds(layouts.get(1), 2);
        for (int i = 0; i < 50; i++) spliced.set(3000 + i, OutputWords.tokenId(i));
        assertUsage(usage(client.post("/completions", completion(spliced, 1))), 3450, 1, (3050 - 1) / 16 * 16);
    }

    @Test
    void aChatThatSendsTheAnswerBackHitsTheCacheForIt() {
        String system = "You are a coding agent working in a large Java repository. Answer with tool calls.";
        ObjectNode turn1 = chat(24, "system", system, "user", "Find every class that parses JSON and list them.");
        ServerClient.Reply r1 = client.post("/chat/completions", turn1);
        String answer = r1.body().get("choices").get(0).get("message").get("content").asText();
        int p1 = r1.body().get("usage").get("prompt_tokens").asInt();
        ObjectNode turn2 = chat(1, "system", system, "user", "Find every class that parses JSON and list them.",
                "assistant", answer, "tool", "src/main/java/io/agentload/sim/ApiRequest.java");
        assertUsage(usage(client.post("/chat/completions", turn2)), ChatTemplate.render(turn2.get("messages"), null).length,
                1, (p1 + 24 - 1) / 16 * 16);
    }

    static void assertError(ServerClient.Reply r, int status, String type, String inMessage) {
        assertEquals(status, r.status());
        assertEquals("application/json", r.contentType());
        assertEquals(Set.of("error"), fields(r.body()));
        JsonNode e = r.body().get("error");
        assertEquals(Set.of("message", "type", "param", "code"), fields(e));
        assertEquals(type, e.get("type").asText());
        assertTrue(e.get("param").isNull());
        assertEquals(status, e.get("code").asInt());
        assertTrue(e.get("message").asText().contains(inMessage), e.get("message").asText());
    }

    @Test
    void badRequestsGetOpenAiErrors() {
        assertError(client.post("/completions", completion("hi", 1).put("model", "gpt-5")), 404, "NotFoundError",
                "The model `gpt-5` does not exist.");
        assertError(client.post("/chat/completions", chat(1, "user", "hi").put("model", "gpt-5")), 404, "NotFoundError", "gpt-5");
        assertError(client.postRaw("/completions", "{\"prompt\": \"hi\", "), 400, "BadRequestError", "invalid JSON");
        assertError(client.postRaw("/completions", "[1, 2]"), 400, "BadRequestError", "JSON object");
        assertError(client.post("/completions", completion("hi", 1).put("max_tokens", "ten")), 400, "BadRequestError", "max_tokens");
        assertError(client.post("/completions", completion("hi", 0)), 400, "BadRequestError", "max_tokens must be at least 1");
        assertError(client.post("/completions", completion("hi", 1).put("n", 2)), 400, "BadRequestError", "n = 2");
        assertError(client.post("/completions", completion("hi", 1).put("min_tokens", 5)), 400, "BadRequestError", "min_tokens");
        ObjectNode options = completion("hi", 1);
        options.putObject("stream_options").put("include_usage", true);
        assertError(client.post("/completions", options), 400, "BadRequestError", "stream=True");
        assertError(client.postRaw("/chat/completions", "{\"messages\": []}"), 400, "BadRequestError", "messages");
        ObjectNode image = chat(1, "user", "hi");
        ((ObjectNode) image.get("messages").get(0)).putArray("content").addObject().put("type", "image_url");
        assertError(client.post("/chat/completions", image), 400, "BadRequestError", "messages[0].content[0]");

        assertError(client.post("/completions", completion(ids(16_000, 4), 1_000)), 400, "BadRequestError",
                "This model's maximum context length is 16384 tokens. However, you requested 17000 tokens"
                        + " (16000 in the messages, 1000 in the completion).");
        assertError(client.postRaw("/completions", "{\"prompt\": " + ids(CONTEXT, 5) + ", \"max_tokens\": null}"), 400,
                "BadRequestError", "However, you requested 16384 tokens in the messages");

        assertError(client.get("/v1/embeddings".substring(3)), 404, "NotFoundError", "/v1/embeddings");
        assertError(client.get("/completions"), 405, "MethodNotAllowed", "use POST");
    }

    @Test
    void defaultsFollowVllm() {
        assertEquals(ApiRequest.COMPLETIONS_DEFAULT_MAX_TOKENS,
                usage(client.postRaw("/completions", "{\"prompt\": [9, 9, 9]}")).get("completion_tokens").asInt());
        String rest = "{\"prompt\": " + ids(16_370, 6) + ", \"max_tokens\": null}";
        assertEquals(CONTEXT - 16_370, usage(client.postRaw("/completions", rest)).get("completion_tokens").asInt(),
                "an explicit null asks for the rest of the context");
        ObjectNode chat = chat(1, "user", "hi");
        chat.remove("max_tokens");
        chat.put("max_completion_tokens", 2);
        assertEquals(2, usage(client.post("/chat/completions", chat)).get("completion_tokens").asInt());
    }

    @Test
    void modelsAndHealth() {
        ServerClient.Reply models = client.get("/models");
        assertEquals(200, models.status());
        assertEquals(Set.of("object", "data"), fields(models.body()));
        assertEquals("list", models.body().get("object").asText());
        JsonNode card = models.body().get("data").get(0);
        assertEquals(Set.of("id", "object", "created", "owned_by", "root", "parent", "max_model_len"), fields(card));
        assertEquals(MODEL, card.get("id").asText());
        assertEquals("model", card.get("object").asText());
        assertEquals(CONTEXT, card.get("max_model_len").asInt());

        ServerClient health = new ServerClient(server.baseUrl().replace("/v1", ""));
        ServerClient.Reply h = health.get("/health");
        assertEquals(200, h.status());
        assertEquals(null, h.body());
    }

    @Test
    void aClientThatGoesAwayHasItsRequestCancelled() throws IOException, InterruptedException {
        long cancelledBefore = server.counters().cancelledRequests();
        Call call = client.http.newCall(client.post("/completions",
                streaming(completion(ids(4000, 7), 5000)).toString()).build());
        try (Response response = call.execute()) {
            BufferedSource source = response.body().source();
            for (int events = 0; events < 3; ) if (source.readUtf8Line().startsWith("data: ")) events++;
            call.cancel();
        } catch (IOException expected) {
            // Reading after the cancel fails: that is the point.
        }
        awaitCounters(c -> c.cancelledRequests() == cancelledBefore + 1 && c.kvBlocksUsed() == 0);

        Call waiting = client.http.newCall(client.post("/completions", completion(ids(4000, 8), 5000).toString()).build());
        Thread t = Thread.ofVirtual().start(() -> {
            try (Response ignored = waiting.execute()) {
                // Never answered: the call is cancelled first.
            } catch (IOException expected) {
                // Cancelled.
            }
        });
        awaitCounters(c -> c.kvBlocksUsed() > 0);
        waiting.cancel();
        t.join();
        awaitCounters(c -> c.cancelledRequests() == cancelledBefore + 2 && c.kvBlocksUsed() == 0);
    }

    static void awaitCounters(Predicate<Engine.Counters> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.test(server.counters())) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + server.counters());
            Thread.sleep(5);
        }
    }

    @Test
    void theFirstTokenLogHasALinePerRequest() throws IOException, InterruptedException {
        ServerClient.Reply streamed = client.send(client.post("/completions", streaming(completion(ids(300, 9), 6)).toString())
                .header("X-Request-Id", "log-test-stream").build());
        assertEquals("cmpl-log-test-stream", streamed.chunks().get(0).get("id").asText());
        ServerClient.Reply whole = client.send(client.post("/chat/completions", chat(4, "user", "log me").toString())
                .header("X-Request-Id", "log-test-whole").build());
        assertEquals("chatcmpl-log-test-whole", whole.body().get("id").asText());

        JsonNode s = awaitLine("cmpl-log-test-stream");
        assertEquals(Set.of("id", "endpoint", "stream", "prompt_tokens", "cached_tokens", "output_tokens", "finish_reason",
                "received_us", "first_token_due_us", "first_token_us", "last_token_due_us", "last_write_us"), fields(s));
        assertEquals("completions", s.get("endpoint").asText());
        assertTrue(s.get("stream").asBoolean());
        assertEquals(300, s.get("prompt_tokens").asInt());
        assertEquals(0, s.get("cached_tokens").asInt());
        assertEquals(6, s.get("output_tokens").asInt());
        assertEquals("length", s.get("finish_reason").asText());
        long received = s.get("received_us").asLong(), due = s.get("first_token_due_us").asLong();
        long first = s.get("first_token_us").asLong(), last = s.get("last_write_us").asLong();
        long lastDue = s.get("last_token_due_us").asLong();
        assertTrue(received < due && due <= first + 1 && first < last && due < lastDue && lastDue <= last + 1, s.toString());
        assertTrue(Math.abs(received / 1000 - System.currentTimeMillis()) < 60_000, "epoch microseconds");

        JsonNode w = awaitLine("chatcmpl-log-test-whole");
        assertEquals("chat.completions", w.get("endpoint").asText());
        assertTrue(!w.get("stream").asBoolean());
        assertEquals(4, w.get("output_tokens").asInt());
        long wFirst = w.get("first_token_us").asLong(), wLast = w.get("last_write_us").asLong();
        assertTrue(wFirst <= wLast && wLast - wFirst < 1_000_000, "one write carries the whole response: stamped before and after it");

        Call call = client.http.newCall(client.post("/completions", streaming(completion(ids(300, 10), 5000)).toString())
                .header("X-Request-Id", "log-test-abort").build());
        try (Response response = call.execute()) {
            BufferedSource source = response.body().source();
            for (int events = 0; events < 2; ) if (source.readUtf8Line().startsWith("data: ")) events++;
            call.cancel();
        } catch (IOException expected) {
            // Cancelled.
        }
        JsonNode a = awaitLine("cmpl-log-test-abort");
        assertEquals("abort", a.get("finish_reason").asText());
        assertTrue(a.get("cached_tokens").isNull());
        assertTrue(a.get("output_tokens").asInt() >= 2);
    }

    static JsonNode awaitLine(String id) throws IOException, InterruptedException {
        return awaitLine(log, id);
    }

    /** The log line of request {@code id}, once written (just after the response's last write). */
    static JsonNode awaitLine(Path log, String id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            for (Iterator<String> it = Files.readAllLines(log).iterator(); it.hasNext(); ) {
                JsonNode line = JSON.readTree(it.next());
                if (line.get("id").asText().equals(id)) return line;
            }
            assertTrue(System.nanoTime() < deadline, "no log line for " + id);
            Thread.sleep(5);
        }
    }

    @Test
    void aServedModelNameOutsideAsciiStreamsIntact() {
        String name = "équipe/Llama-3.1-8B-über";
        SimServer s = SimServer.builder(CONFIG).modelName(name).port(0).build().start();
        try {
            ObjectNode body = streaming(completion("Say something.", 3)).put("model", name);
            ServerClient.Reply r = new ServerClient(s.baseUrl()).post("/completions", body);
            assertSseFraming(r);
            for (JsonNode chunk : r.chunks()) assertEquals(name, chunk.get("model").asText(), chunk.toString());
            ObjectNode chatBody = streaming(chat(3, "user", "Say something.")).put("model", name);
            for (JsonNode chunk : new ServerClient(s.baseUrl()).post("/chat/completions", chatBody).chunks()) {
                assertEquals(name, chunk.get("model").asText(), chunk.toString());
            }
        } finally {
            s.close();
        }
    }

    @Test
    void theJavadocExampleRuns() {
        SimServer s = SimServer.builder(EngineConfig.of("h200x8", "llama-3.1-70b")).port(0).build().start();
        String url = s.baseUrl();
        assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/v1"), url);
        assertEquals("llama-3.1-70b", s.modelName());
        assertNotNull(new ServerClient(url).get("/models").body());
        s.close();
    }
}
