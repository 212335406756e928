package io.agentload.sim;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;

/**
 * Turns chat messages into prompt token ids with a fixed template, each piece tokenized with o200k_base on its own (as
 * a real template's special tokens split the text), so a conversation that grows by appending messages repeats its
 * earlier ids exactly and hits the prefix cache:
 *
 * <pre>
 * &lt;|tools|&gt;\n{tools as compact JSON}&lt;|end|&gt;\n        only when the request lists tools
 * &lt;|{role}|&gt;\n{content}{tool calls}&lt;|end|&gt;\n       per message; each tool call is &lt;|call|&gt;{name} {arguments}
 * &lt;|assistant|&gt;\n                                  the generation prompt
 * </pre>
 *
 * Content is a string, null, or a list of {@code text} parts. The markers cost a few tokens per message, as real
 * chat templates do: each marker is five o200k_base tokens, so a message costs ten and the generation prompt five.
 *
 * <p><b>Why the trace importer has its own template</b> ({@code io.agentload.trajectory.ChatTokens}, with abstract
 * marker ids, four tokens per message and three of priming): that one measures recorded traces by OpenAI's
 * counting rule for the {@code input_tokens} and {@code reused_tokens} of imported turns, while this one makes the
 * ids the simulator serves, caches and reports as {@code usage.prompt_tokens}. Sharing either template would
 * change every count the other produces: the shipped trajectories' token counts, or the simulator's served
 * prompt tokens and so its benchmark results.
 */
final class ChatTemplate {
    private ChatTemplate() {
    }

    /** The prompt's token ids; an {@link IllegalArgumentException} names the malformed field. */
    static int[] render(JsonNode messages, JsonNode tools) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new IllegalArgumentException("messages: expected a non-empty list of messages");
        }
        Ids ids = new Ids();
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) throw new IllegalArgumentException("tools: expected a list");
            if (!tools.isEmpty()) {
                ids.add(TextTokens.encode("<|tools|>\n"));
                ids.add(TextTokens.encode(tools.toString()));
                ids.add(TextTokens.encode("<|end|>\n"));
            }
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw new IllegalArgumentException(where + ": expected an object");
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || role.asText().isEmpty()) {
                throw new IllegalArgumentException(where + ".role: expected a non-empty string");
            }
            ids.add(TextTokens.encode("<|" + role.asText() + "|>\n"));
            ids.add(TextTokens.encode(content(m.get("content"), where + ".content")));
            JsonNode calls = m.get("tool_calls");
            if (calls != null && !calls.isNull()) {
                if (!calls.isArray()) throw new IllegalArgumentException(where + ".tool_calls: expected a list");
                for (int c = 0; c < calls.size(); c++) {
                    JsonNode function = calls.get(c).get("function");
                    String at = where + ".tool_calls[" + c + "].function";
                    if (function == null || !function.isObject()) throw new IllegalArgumentException(at + ": expected an object");
                    ids.add(TextTokens.encode("<|call|>"));
                    ids.add(TextTokens.encode(text(function.get("name"), at + ".name") + " "
                            + text(function.get("arguments"), at + ".arguments")));
                }
            }
            ids.add(TextTokens.encode("<|end|>\n"));
        }
        ids.add(TextTokens.encode("<|assistant|>\n"));
        return ids.toArray();
    }

    private static String content(JsonNode content, String where) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) throw new IllegalArgumentException(where + ": expected a string or a list of text parts");
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            JsonNode type = part.get("type");
            if (type == null || !"text".equals(type.asText())) {
                throw new IllegalArgumentException(where + "[" + j + "]: only parts of type 'text' are simulated, not "
                        + (type == null ? "a part without a type" : "'" + type.asText() + "'"));
            }
            text.append(text(part.get("text"), where + "[" + j + "].text"));
        }
        return text.toString();
    }

    private static String text(JsonNode node, String where) {
        if (node == null || !node.isTextual()) throw new IllegalArgumentException(where + ": expected a string");
        return node.asText();
    }

    /** A growing list of token ids. */
    private static final class Ids {
        private int[] ids = new int[1024];
        private int size;

        void add(int[] more) {
            if (size + more.length > ids.length) ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + more.length));
            System.arraycopy(more, 0, ids, size, more.length);
            size += more.length;
        }

        int[] toArray() {
            return Arrays.copyOf(ids, size);
        }
    }
}
