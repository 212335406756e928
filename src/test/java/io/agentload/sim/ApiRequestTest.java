package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiRequestTest {

    static ApiRequest completions(String json) {
        return ApiRequest.parse(json.getBytes(StandardCharsets.UTF_8), false);
    }

    static ApiRequest chat(String json) {
        return ApiRequest.parse(json.getBytes(StandardCharsets.UTF_8), true);
    }

    static void refused(String json, boolean chat, String inMessage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApiRequest.parse(json.getBytes(StandardCharsets.UTF_8), chat));
        assertTrue(e.getMessage().contains(inMessage), e.getMessage());
    }

    @Test
    void everyPromptFormIsTheSameTokens() {
        int[] ids = TextTokens.encode("def add(a, b): return a + b");
        assertArrayEquals(ids, completions("{\"prompt\": \"def add(a, b): return a + b\"}").prompt());
        assertArrayEquals(ids, completions("{\"prompt\": [\"def add(a, b): return a + b\"]}").prompt());
        String list = java.util.Arrays.toString(ids);
        assertArrayEquals(ids, completions("{\"prompt\": " + list + "}").prompt());
        assertArrayEquals(ids, completions("{\"prompt\": [" + list + "]}").prompt());
        assertArrayEquals(new int[] {0, TextTokens.VOCABULARY - 1}, completions("{\"prompt\": [0, 200018]}").prompt());
    }

    @Test
    void promptsThatAreNotOneListOfTokenIdsAreRefused() {
        refused("{\"prompt\": [\"a\", \"b\"]}", false, "batch");
        refused("{\"prompt\": [[1], [2]]}", false, "batch");
        refused("{\"prompt\": []}", false, "empty");
        refused("{\"prompt\": [[]]}", false, "prompt[0]: the list is empty");
        refused("{\"prompt\": \"\"}", false, "empty");
        refused("{\"prompt\": [1, 2.5]}", false, "prompt[1]: expected a token id");
        refused("{\"prompt\": [1, \"x\"]}", false, "prompt[1]");
        refused("{\"prompt\": [1, -1]}", false, "out of vocabulary");
        refused("{\"prompt\": [200019]}", false, "out of vocabulary");
        refused("{\"prompt\": [1, 99999999999]}", false, "prompt[1]");
        refused("{\"prompt\": {\"text\": \"a\"}}", false, "prompt: expected");
        refused("{\"max_tokens\": 3}", false, "prompt: required");
    }

    @Test
    void maxTokensFollowsVllm() {
        assertEquals(16, completions("{\"prompt\": [1, 2]}").outputTokens(100), "completions default to 16");
        assertEquals(98, completions("{\"prompt\": [1, 2], \"max_tokens\": null}").outputTokens(100));
        assertEquals(7, completions("{\"prompt\": [1, 2], \"max_tokens\": 7}").outputTokens(100));
        ApiRequest c = chat("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertEquals(100 - c.prompt().length, c.outputTokens(100), "chat defaults to the rest of the context");
        assertEquals(5, chat("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 9,"
                + " \"max_completion_tokens\": 5}").outputTokens(100));
        assertEquals(9, chat("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 9}").outputTokens(100));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> completions("{\"prompt\": [1, 2], \"max_tokens\": 99}").outputTokens(100));
        assertEquals("This model's maximum context length is 100 tokens. However, you requested 101 tokens (2 in the"
                + " messages, 99 in the completion). Please reduce the length of the messages or completion.", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> completions("{\"prompt\": [1, 2], \"max_tokens\": null}").outputTokens(2));
        assertTrue(e.getMessage().contains("you requested 2 tokens in the messages"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> completions("{\"prompt\": [1], \"max_tokens\": 0}").outputTokens(100));
        assertEquals("max_tokens must be at least 1, got 0.", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> completions("{\"prompt\": [1], \"max_tokens\": 4, \"min_tokens\": 5}").outputTokens(100));
        assertEquals("min_tokens must be less than or equal to max_tokens=4, got 5.", e.getMessage());
        assertEquals(4, completions("{\"prompt\": [1], \"max_tokens\": 4, \"min_tokens\": 4, \"ignore_eos\": true}")
                .outputTokens(100), "min_tokens and ignore_eos change nothing: the output is always max_tokens");
        refused("{\"prompt\": [1], \"min_tokens\": -1}", false, "min_tokens must be greater than or equal to 0");
        refused("{\"prompt\": [1], \"max_tokens\": 1.5}", false, "max_tokens: expected an integer");
        refused("{\"prompt\": [1], \"max_tokens\": 3000000000}", false, "max_tokens: out of range");
    }

    @Test
    void streamOptionsFollowVllm() {
        ApiRequest plain = completions("{\"prompt\": [1], \"stream\": true}");
        assertTrue(plain.stream());
        assertFalse(plain.includeUsage());
        assertTrue(completions("{\"prompt\": [1], \"stream\": true, \"stream_options\": {}}").includeUsage(),
                "vLLM includes usage once stream_options is given");
        assertTrue(completions("{\"prompt\": [1], \"stream\": true, \"stream_options\": {\"include_usage\": true}}").includeUsage());
        assertFalse(completions("{\"prompt\": [1], \"stream\": true, \"stream_options\": {\"include_usage\": false}}").includeUsage());
        assertFalse(completions("{\"prompt\": [1], \"stream\": true, \"stream_options\": null}").includeUsage());
        ApiRequest continuous = completions("{\"prompt\": [1], \"stream\": true, \"stream_options\":"
                + " {\"include_usage\": true, \"continuous_usage_stats\": true}}");
        assertTrue(continuous.continuousUsage());
        refused("{\"prompt\": [1], \"stream_options\": {\"include_usage\": true}}", false,
                "Stream options can only be defined when `stream=True`.");
        refused("{\"prompt\": [1], \"stream\": \"yes\"}", false, "stream: expected true or false");
    }

    @Test
    void samplingFieldsAreIgnoredAndShapeChangingOnesRefused() {
        ApiRequest r = completions("{\"model\": \"m\", \"prompt\": [1], \"temperature\": 0.6, \"top_p\": 0.95, \"seed\": 3,"
                + " \"stop\": [\"\\n\"], \"frequency_penalty\": 0.1, \"user\": \"u\", \"n\": 1, \"echo\": false,"
                + " \"logprobs\": null, \"unknown\": {\"nested\": [1, {\"a\": 2}]}, \"cache_salt\": \"tenant-a\"}");
        assertEquals("m", r.model());
        assertEquals("tenant-a", r.cacheSalt());
        assertNull(completions("{\"prompt\": [1]}").model());
        refused("{\"prompt\": [1], \"n\": 2}", false, "n = 2 is not supported");
        refused("{\"prompt\": [1], \"best_of\": 3}", false, "best_of = 3");
        refused("{\"prompt\": [1], \"echo\": true}", false, "echo is not supported");
        refused("{\"prompt\": [1], \"use_beam_search\": true}", false, "use_beam_search");
        refused("{\"prompt\": [1], \"logprobs\": 2}", false, "logprobs is not supported");
        refused("{\"prompt\": [1], \"suffix\": \"}\"}", false, "suffix is not supported");
        refused("{\"prompt\": [1], \"prompt_logprobs\": 1}", false, "prompt_logprobs");
        refused("{\"prompt\": [1], \"cache_salt\": \"\"}", false, "cache_salt");
        refused("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"logprobs\": true}", true, "logprobs");
        assertEquals(1, chat("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"logprobs\": false,"
                + " \"top_logprobs\": 0, \"max_tokens\": 1}").outputTokens(100));
    }

    @Test
    void malformedJsonIsRefusedWithItsPlace() {
        refused("{\"prompt\": [1,", false, "invalid JSON");
        refused("{\"prompt\": [1]}\n{\"prompt\": [2]}", false, "content after the request object");
        refused("[{\"prompt\": [1]}]", false, "the body must be a JSON object");
        refused("", false, "the body must be a JSON object");
        refused("{\"prompt\": [1], \"max_tokens\": 3,\n \"stream\": tru}", false, "line 2");
        refused("{\"messages\": \"hi\"}", true, "messages: expected a non-empty list");
        refused("{\"prompt\": \"hi\"}", true, "messages");
    }
}
