package io.agentload.endpoint;

import io.agentload.sim.EngineConfig;
import io.agentload.sim.ModelProfile;
import io.agentload.sim.SimServer;
import io.agentload.trajectory.PromptLayout;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1M-token prompts from the replay client to {@code agentload serve}: the client streams each body (about 6 MB of
 * token ids) from the layout as it writes it, and the server reads, serves and reuses it, or refuses it by its
 * context as vLLM does.
 */
class MillionTokenPromptTest {

    private static final int MILLION = 1 << 20;

    /**
     * A small model with a 1M-token context, so that the real-time server prefills a million tokens in about a second
     * (attention over a million tokens is quadratic: Llama 3.1 8B's widths would take minutes): 2 layers of 2 query
     * heads and 1 KV head of 64, 512 bytes of KV cache a token.
     */
    private static final ModelProfile TINY_MILLION = ModelProfile.builder("tiny-1m").parameters(1e8, 1e8).layers(2)
            .hiddenSize(256).gqa(2, 1, 64).maxContextTokens(MILLION).build();

    /** Two turns of 1M tokens: the second reuses the first's prompt and output and adds 8K tokens. */
    private static final List<PromptLayout> SESSION = Layouts.session("long", 4_800,
            new int[] {1_030_000, 0, 16}, new int[] {1_038_016, 1_030_016, 16});

    @Test
    void theClientStreamsAMillionTokenPromptAndServeServesIt() throws Exception {
        EngineConfig config = EngineConfig.of("h200x8", "llama-3.1-8b").withModel(TINY_MILLION)
                .withTensorParallel(1).withReplicas(1);
        try (SimServer server = SimServer.builder(config).port(0).build().start();
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model(server.modelName()).noApiKey()
                     .build()) {
            CompletionResult first = send(endpoint, EndpointRequest.of(SESSION.get(0), 7, 16));
            assertEquals(CompletionResult.OK, first.status(), first.detail());
            assertEquals(1_030_000, first.inputTokens());

            long before = sendThreadBytes();
            CompletionResult second = send(endpoint, EndpointRequest.of(SESSION.get(1), 7, 16));
            long allocated = sendThreadBytes() - before;

            assertEquals(CompletionResult.OK, second.status(), second.detail());
            assertEquals(1_038_016, second.inputTokens());
            // The first prompt's blocks: the output a client sends back is its layout's tokens, not the server's words.
            assertEquals(1_030_000, second.cachedTokens());
            long body = new CompletionsBody(new BodyOptions(server.modelName(), 0, true, true, TokenIdRange.DEFAULT),
                    new PromptTokens(SESSION.get(1), 7, TokenIdRange.DEFAULT), 16).contentLength();
            assertTrue(body > 6_000_000, "body of " + body + " bytes");
            // The body is never built: what the sending thread allocates is a few batches and the call, not the body.
            assertTrue(allocated < body / 20, "the sending thread allocated " + allocated + " bytes for a body of "
                    + body + " bytes");
        }
    }

    @Test
    void aServerWithAShorterContextRefusesItAsVllmDoes() throws Exception {
        EngineConfig config = EngineConfig.of("h200x8", "llama-3.1-8b").withTensorParallel(1).withReplicas(1);
        try (SimServer server = SimServer.builder(config).port(0).build().start();
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model(server.modelName()).noApiKey()
                     .build()) {
            CompletionResult refused = send(endpoint, EndpointRequest.of(SESSION.get(0), 7, 16));
            assertEquals("http_400", refused.status());
            assertTrue(refused.detail().contains("This model's maximum context length is 131072 tokens. However, you"
                    + " requested 1030016 tokens (1030000 in the messages, 16 in the completion)."), refused.detail());
        }
    }

    private static CompletionResult send(Endpoint endpoint, EndpointRequest request) throws Exception {
        return endpoint.send(request).get(60, TimeUnit.SECONDS);
    }

    /**
     * Bytes allocated so far by the client's sending threads (platform threads, which run each call up to its
     * response headers, body writing included), those started since counted from nothing.
     */
    private static long sendThreadBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<Long, Long> bytes = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("agentload-send-")) bytes.put(t.threadId(), threads.getThreadAllocatedBytes(t.threadId()));
        }
        return bytes.values().stream().mapToLong(Long::longValue).sum();
    }
}
