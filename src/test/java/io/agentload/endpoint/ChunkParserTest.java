package io.agentload.endpoint;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkParserTest {

    private static Chunk parse(String json) {
        return ChunkParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void completionsChunkTextIsOutput() {
        Chunk c = parse("""
                {"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":" hello",\
                "logprobs":{"tokens":[" hello"],"top_logprobs":[{" hello":-0.1}]},"finish_reason":null,"stop_reason":null}],"usage":null}""");
        assertEquals(6, c.textLength());
        assertTrue(c.hasOutput());
        assertNull(c.finishReason());
        assertNull(c.usage());
    }

    @Test
    void chatRoleChunkWithEmptyContentIsNotOutput() {
        Chunk c = parse("""
                {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,\
                "delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""");
        assertFalse(c.hasOutput());
    }

    @Test
    void reasoningAndToolCallsAreOutputToo() {
        assertEquals(5, parse("{\"choices\":[{\"delta\":{\"reasoning_content\":\"think\"}}]}").textLength());
        assertEquals(4, parse("{\"choices\":[{\"delta\":{\"reasoning\":\"hmm.\",\"content\":null}}]}").textLength());
        Chunk tool = parse("""
                {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function",\
                "function":{"name":"bash","arguments":"{\\"cmd\\": [1, {}]}"}}]}}]}""");
        assertTrue(tool.toolCall());
        assertTrue(tool.hasOutput());
        assertFalse(parse("{\"choices\":[{\"delta\":{\"tool_calls\":[]}}]}").hasOutput());
    }

    @Test
    void escapedTextIsMeasuredInCharacters() {
        assertEquals(3, parse("{\"choices\":[{\"text\":\"a\\n\\u00e9\"}]}").textLength());
    }

    @Test
    void finishReasonAndUsageWithCachedTokens() {
        assertEquals("length", parse("{\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"length\"}]}").finishReason());
        Chunk usage = parse("""
                {"id":"x","object":"text_completion","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":131072,\
                "total_tokens":131272,"completion_tokens":200,"prompt_tokens_details":{"cached_tokens":130000,"audio_tokens":null}}}""");
        assertEquals(new Chunk.Usage(131_072, 200, 130_000), usage.usage());
        assertFalse(usage.hasOutput());
        assertEquals(new Chunk.Usage(10, 2, -1), parse("{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}").usage());
        assertEquals(new Chunk.Usage(10, 2, -1), parse("""
                {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"prompt_tokens_details":null}}""").usage());
    }

    @Test
    void aStreamedErrorKeepsItsMessage() {
        assertEquals("prompt is too long", parse("{\"error\":{\"object\":\"error\",\"message\":\"prompt is too long\",\"code\":400}}").error());
        assertEquals("overloaded", parse("{\"error\":\"overloaded\"}").error());
    }

    @Test
    void malformedDataNamesWhatIsWrong() {
        assertMalformed("{\"choices\":[{\"text\":\"cut", "not valid JSON");
        assertMalformed("[1,2]", "not a JSON object");
        assertMalformed("{\"choices\":[]} {\"choices\":[]}", "continues after");
        assertMalformed("{\"id\":\"x\",\"object\":\"text_completion\"}", "no choices, usage or error");
        assertMalformed("{\"choices\":{}}", "choices is an object, expected an array");
        assertMalformed("{\"choices\":[],\"usage\":{\"prompt_tokens\":10}}", "lacks prompt_tokens or completion_tokens");
        assertMalformed("{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":-1}}", "usage.completion_tokens is not a token count: -1");
        assertMalformed("{\"choices\":[],\"usage\":{\"prompt_tokens\":\"ten\",\"completion_tokens\":1}}", "usage.prompt_tokens is not a token count");
    }

    private static void assertMalformed(String json, String message) {
        EndpointException e = assertThrows(EndpointException.class, () -> parse(json), json);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
