package io.agentload.trajectory;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * The token ids of an OpenAI chat request's prompt, with the text tokenized by o200k_base (jtokkit) and the chat
 * template written out as marker tokens, so that two prompts can be compared token by token as a prefix cache
 * compares them.
 *
 * <p>The template follows OpenAI's guide "How to count tokens with tiktoken" (three tokens per message, three
 * for the reply's priming) and the ChatML-style templates of open models: a message is
 * {@code <start> role <separator> content <end>}, three markers plus the role's tokens (one for each role in the
 * AA traces); each tool call of an assistant message adds {@code <call> name <separator> arguments <end>}; the
 * reply is primed with {@code <start> assistant <separator>}. Tool definitions, when the request has any, form
 * one block {@code <start> tools <separator> definitions-as-compact-JSON <end>} right after the leading system
 * messages, where open-model templates render them. Call ids and {@code tool_call_id} are not rendered (most
 * templates drop them); content given as parts counts its text parts. Text is tokenized as ordinary text: a
 * trace that quotes {@code <|endoftext|>} gets the tokens of those characters. Markers are negative ids that no
 * text produces. The serving models' own templates and tokenizers differ (see {@code AaReplayTrace}).
 *
 * <p><b>Why the simulator has its own template</b> ({@code io.agentload.sim.ChatTemplate}): the two count
 * different things. This one measures recorded traces by OpenAI's counting rule, four tokens of markers and role per
 * message and three of priming, and its counts are the {@code input_tokens} and {@code reused_tokens} of every
 * imported turn (the shipped {@code data/aa-agentperf-default-v1.parquet} among them). The simulator's renders
 * text markers such as {@code <|user|>\n}, five o200k_base tokens each, ten per message and five of priming, into
 * the token ids it serves, caches and reports as {@code usage.prompt_tokens}, and answers a malformed request with
 * an HTTP 400 rather than a trace line's error. Either one in the other's place changes every count it produces.
 */
final class ChatTokens {

    private static final int START = -1, SEPARATOR = -2, END = -3, CALL = -4;
    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final int[] REPLY_PRIMING = header("assistant").toArray();

    private ChatTokens() {
    }

    /** The reply's priming, {@code <start> assistant <separator>}: the last tokens of every prompt. */
    static int[] replyPriming() {
        return REPLY_PRIMING.clone();
    }

    /** The block of tool definitions, {@code tools} being the request's non-empty array of them. */
    static int[] tools(JsonNode tools) {
        IntArrayList out = header("tools");
        text(out, tools.toString());
        out.add(END);
        return out.toArray();
    }

    /**
     * One message, {@code messages[index]} of {@code line}: header, content, tool calls and end marker. Its role
     * is {@link #role}.
     */
    static int[] message(TraceLine line, int index, JsonNode message) {
        String field = "messages[" + index + "]";
        IntArrayList out = header(role(line, index, message));
        JsonNode content = message.get("content");
        if (content != null && !content.isNull()) {
            if (content.isTextual()) {
                text(out, content.asText());
            } else if (content.isArray()) {
                text(out, partsText(line, field + ".content", content));
            } else {
                throw line.error(field + ".content", "expected a string, null or an array of parts, found "
                        + TraceLine.shown(content));
            }
        }
        JsonNode calls = message.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            line.array(field + ".tool_calls", calls);
            for (int c = 0; c < calls.size(); c++) {
                toolCall(out, line, field + ".tool_calls[" + c + "]", calls.get(c));
            }
        }
        out.add(END);
        return out.toArray();
    }

    /** The role of {@code messages[index]}, which must be an object with a string {@code role}. */
    static String role(TraceLine line, int index, JsonNode message) {
        String field = "messages[" + index + "]";
        if (!message.isObject()) throw line.error(field, "expected an object, found " + TraceLine.shown(message));
        JsonNode role = message.get("role");
        if (role == null || role.isNull()) throw line.error(field + ".role", "missing");
        if (!role.isTextual()) throw line.error(field + ".role", "expected a string, found " + TraceLine.shown(role));
        return role.asText();
    }

    private static void toolCall(IntArrayList out, TraceLine line, String field, JsonNode call) {
        JsonNode function = call.isObject() ? call.get("function") : null;
        if (function == null || !function.isObject()) throw line.error(field + ".function", "missing");
        JsonNode name = function.get("name");
        if (name == null || !name.isTextual()) {
            throw line.error(field + ".function.name", name == null || name.isNull() ? "missing"
                    : "expected a string, found " + TraceLine.shown(name));
        }
        JsonNode arguments = function.get("arguments");
        if (arguments == null || arguments.isNull()) throw line.error(field + ".function.arguments", "missing");
        out.add(CALL);
        text(out, name.asText());
        out.add(SEPARATOR);
        text(out, arguments.isTextual() ? arguments.asText() : arguments.toString());
        out.add(END);
    }

    private static String partsText(TraceLine line, String field, JsonNode parts) {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < parts.size(); p++) {
            JsonNode part = parts.get(p);
            JsonNode type = part.get("type");
            JsonNode partText = part.get("text");
            if (type == null || !"text".equals(type.asText()) || partText == null || !partText.isTextual()) {
                throw line.error(field + "[" + p + "]", "only text parts ({\"type\": \"text\", \"text\": ...})"
                        + " can be counted");
            }
            text.append(partText.asText());
        }
        return text.toString();
    }

    private static IntArrayList header(String role) {
        IntArrayList out = new IntArrayList();
        out.add(START);
        text(out, role);
        out.add(SEPARATOR);
        return out;
    }

    private static void text(IntArrayList out, String text) {
        IntArrayList tokens = O200K.encodeOrdinary(text);
        for (int i = 0; i < tokens.size(); i++) out.add(tokens.get(i));
    }
}
