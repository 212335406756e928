package io.agentload.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static io.agentload.sim.ServerClient.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTemplateTest {

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    static int[] concat(String... pieces) {
        return Arrays.stream(pieces).flatMapToInt(p -> IntStream.of(TextTokens.encode(p))).toArray();
    }

    @Test
    void eachPieceIsTokenizedOnItsOwn() throws Exception {
        JsonNode messages = json("[{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hello\"}]");
        assertArrayEquals(concat("<|system|>\n", "Be brief.", "<|end|>\n", "<|user|>\n", "Hello", "<|end|>\n",
                "<|assistant|>\n"), ChatTemplate.render(messages, null));
    }

    @Test
    void toolsToolCallsAndTextPartsAreRendered() throws Exception {
        JsonNode tools = json("[{\"type\": \"function\", \"function\": {\"name\": \"bash\", \"parameters\": {}}}]");
        JsonNode messages = json("[{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"List \"},"
                + " {\"type\": \"text\", \"text\": \"files\"}]},"
                + " {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\","
                + " \"function\": {\"name\": \"bash\", \"arguments\": \"{\\\"command\\\":\\\"ls\\\"}\"}}]},"
                + " {\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\": \"a.txt\"}]");
        assertArrayEquals(concat("<|tools|>\n", tools.toString(), "<|end|>\n", "<|user|>\n", "List files", "<|end|>\n",
                        "<|assistant|>\n", "", "<|call|>", "bash {\"command\":\"ls\"}", "<|end|>\n",
                        "<|tool|>\n", "a.txt", "<|end|>\n", "<|assistant|>\n"),
                ChatTemplate.render(messages, tools));
        assertArrayEquals(ChatTemplate.render(messages, null), ChatTemplate.render(messages, json("[]")));
    }

    @Test
    void aConversationThatGrowsRepeatsItsPromptAndTheAnswer() throws Exception {
        String[] turn1 = {"{\"role\": \"system\", \"content\": \"You are a coding agent.\"}",
                "{\"role\": \"user\", \"content\": \"Fix the failing test.\"}"};
        int[] first = ChatTemplate.render(json("[" + String.join(",", turn1) + "]"), null);
        StringBuilder answer = new StringBuilder();
        OutputWords.appendText(answer, 0, 50);
        int[] second = ChatTemplate.render(json("[" + String.join(",", turn1) + ", {\"role\": \"assistant\", \"content\": \""
                + answer + "\"}, {\"role\": \"user\", \"content\": \"Now run it.\"}]"), null);
        assertArrayEquals(first, Arrays.copyOf(second, first.length), "the first prompt is a prefix of the second");
        for (int i = 0; i < 50; i++) assertTrue(second[first.length + i] == OutputWords.tokenId(i), "output token " + i);
    }

    @Test
    void malformedMessagesNameTheField() {
        String[][] cases = {
                {"[]", "messages: expected a non-empty list"},
                {"[\"hi\"]", "messages[0]: expected an object"},
                {"[{\"content\": \"hi\"}]", "messages[0].role"},
                {"[{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"\", \"content\": \"b\"}]", "messages[1].role"},
                {"[{\"role\": \"user\", \"content\": 5}]", "messages[0].content: expected a string or a list of text parts"},
                {"[{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {}}]}]",
                        "messages[0].content[0]: only parts of type 'text' are simulated, not 'image_url'"},
                {"[{\"role\": \"user\", \"content\": [{\"type\": \"text\"}]}]", "messages[0].content[0].text"},
                {"[{\"role\": \"assistant\", \"tool_calls\": {}}]", "messages[0].tool_calls: expected a list"},
                {"[{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {\"name\": \"f\"}}]}]",
                        "messages[0].tool_calls[0].function.arguments"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.render(json(c[0]), null));
            assertTrue(e.getMessage().startsWith(c[1]), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.render(json("[{\"role\": \"user\", \"content\": \"a\"}]"), json("{}")));
        assertTrue(e.getMessage().startsWith("tools: expected a list"), e.getMessage());
    }
}
