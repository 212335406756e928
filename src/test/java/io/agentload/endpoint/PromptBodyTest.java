package io.agentload.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentload.trajectory.PromptLayout;
import okio.Buffer;
import okio.BufferedSink;
import okio.ByteString;
import okio.Okio;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptBodyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BodyOptions OPTIONS = new BodyOptions("meta-llama/Llama-3.1-8B-Instruct", 0, true, true, TokenIdRange.DEFAULT);

    static ByteString bytes(PromptBody body) throws IOException {
        Buffer buffer = new Buffer();
        body.writeTo(buffer);
        return buffer.readByteString();
    }

    private static CompletionsBody completions(PromptLayout layout, long salt, BodyOptions options) {
        return new CompletionsBody(options, new PromptTokens(layout, salt, options.tokenIds()), 150);
    }

    @Test
    void completionsBodyIsTheExactJsonOfTheRequest() throws IOException {
        PromptLayout layout = Layouts.single(1_000, 200);
        CompletionsBody body = completions(layout, 5, OPTIONS);
        ByteString bytes = bytes(body);
        assertEquals(body.contentLength(), bytes.size());
        assertEquals("application/json", body.contentType().toString());

        JsonNode json = JSON.readTree(bytes.toByteArray());
        assertEquals("meta-llama/Llama-3.1-8B-Instruct", json.get("model").asText());
        assertEquals(150, json.get("max_tokens").asInt());
        assertEquals(150, json.get("min_tokens").asInt());
        assertTrue(json.get("ignore_eos").asBoolean());
        assertEquals(0.0, json.get("temperature").asDouble());
        assertTrue(json.get("stream").asBoolean());
        assertTrue(json.get("stream_options").get("include_usage").asBoolean());
        int[] expected = PromptTokensTest.ids(layout, 5);
        assertEquals(expected.length, json.get("prompt").size());
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], json.get("prompt").get(i).asInt());
    }

    @Test
    void optionalFieldsAreLeftOutAndTheModelNameIsEscaped() throws IOException {
        BodyOptions options = new BodyOptions("we\"ird\\model\n", 0.7, false, false, TokenIdRange.DEFAULT);
        JsonNode json = JSON.readTree(bytes(completions(Layouts.single(10, 0), 1, options)).toByteArray());
        assertEquals("we\"ird\\model\n", json.get("model").asText());
        assertFalse(json.has("min_tokens"));
        assertFalse(json.has("ignore_eos"));
        assertEquals(0.7, json.get("temperature").asDouble());
    }

    @Test
    void sameLayoutAndSaltGiveTheSameBytesAndANewSaltChangesOnlySessionTokens() throws IOException {
        PromptLayout layout = Layouts.single(131_072, 8_000);
        ByteString first = bytes(completions(layout, 11, OPTIONS));
        CompletionsBody again = completions(layout, 11, OPTIONS);
        assertEquals(first, bytes(again));
        assertEquals(first, bytes(again), "a body written twice (an OkHttp retry) is the same bytes");

        JsonNode a = JSON.readTree(first.toByteArray()).get("prompt");
        JsonNode b = JSON.readTree(bytes(completions(layout, 12, OPTIONS)).toByteArray()).get("prompt");
        int changedSession = 0;
        for (int i = 0; i < 131_072; i++) {
            if (i < 8_000) assertEquals(a.get(i).asInt(), b.get(i).asInt(), "shared prefix token " + i);
            else if (a.get(i).asInt() != b.get(i).asInt()) changedSession++;
        }
        // Independent ids from 99,000 values collide about 123,072 / 99,000 = 1.2 times.
        assertTrue(changedSession >= 123_072 - 12, "changed session tokens: " + changedSession);
    }

    @Test
    void a131kTokenPromptIsStreamedNotBuilt() throws IOException {
        PromptLayout layout = Layouts.single(131_072, 8_000);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] counted = {0};
        BufferedSink sink = Okio.buffer(new okio.ForwardingSink(Okio.blackhole()) {
            @Override
            public void write(Buffer source, long byteCount) throws IOException {
                counted[0] += byteCount;
                super.write(source, byteCount);
            }
        });
        for (int warm = 0; warm < 3; warm++) completions(layout, warm, OPTIONS).writeTo(sink);
        sink.flush();

        counted[0] = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        CompletionsBody body = completions(layout, 99, OPTIONS);
        body.writeTo(sink);
        sink.flush();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(body.contentLength(), counted[0]);
        assertTrue(counted[0] > 700_000, "the JSON is " + counted[0] + " bytes");
        // Batch arrays of a few KiB per body, Okio's segments pooled; holding the prompt would take at least its size.
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes to write " + counted[0]);
    }

    @Test
    void chatBodyPutsTheSharedPrefixInTheSystemMessageAndKeepsReusedTextIdentical() throws IOException {
        List<PromptLayout> layouts = Layouts.session("s1", 300, new int[] {1_000, 0, 50}, new int[] {1_500, 1_050, 20});
        BodyOptions options = OPTIONS;
        ChatBody first = new ChatBody(options, new PromptTokens(layouts.get(0), 3, options.tokenIds()), 50);
        ChatBody second = new ChatBody(options, new PromptTokens(layouts.get(1), 3, options.tokenIds()), 20);
        ByteString firstBytes = bytes(first), secondBytes = bytes(second);
        assertEquals(first.contentLength(), firstBytes.size());
        assertEquals(second.contentLength(), secondBytes.size());

        JsonNode a = JSON.readTree(firstBytes.toByteArray()).get("messages");
        JsonNode b = JSON.readTree(secondBytes.toByteArray()).get("messages");
        assertEquals("system", a.get(0).get("role").asText());
        assertEquals("user", a.get(1).get("role").asText());
        assertEquals(a.get(0), b.get(0), "same system prompt");
        assertEquals(300, words(a.get(0)));
        assertEquals(700, words(a.get(1)));
        assertEquals(1_200, words(b.get(1)));
        String firstUser = a.get(1).get("content").asText(), secondUser = b.get(1).get("content").asText();
        assertTrue(secondUser.startsWith(firstUser), "turn 1's text starts with all of turn 0's prompt text");
    }

    @Test
    void chatBodyWithoutASharedPrefixHasOnlyAUserMessage() throws IOException {
        ChatBody body = new ChatBody(OPTIONS, new PromptTokens(Layouts.single(40, 0), 1, OPTIONS.tokenIds()), 5);
        ByteString bytes = bytes(body);
        assertEquals(body.contentLength(), bytes.size());
        JsonNode messages = JSON.readTree(bytes.toByteArray()).get("messages");
        assertEquals(1, messages.size());
        assertEquals(40, words(messages.get(0)));
    }

    @Test
    void digitsCountsDecimalDigitsOnBothSidesOfEveryPowerOfTen() {
        assertEquals(1, PromptBody.digits(0));
        for (int k = 1, power = 10; k <= 9; k++, power *= 10) {
            assertEquals(k, PromptBody.digits(power - 1), "digits of " + (power - 1));
            assertEquals(k + 1, PromptBody.digits(power), "digits of " + power);
        }
        assertEquals(10, PromptBody.digits(Integer.MAX_VALUE));
    }

    private static int words(JsonNode message) {
        String content = message.get("content").asText();
        assertTrue(content.startsWith(" "), "every word is space-led");
        return content.substring(1).split(" ").length;
    }
}
