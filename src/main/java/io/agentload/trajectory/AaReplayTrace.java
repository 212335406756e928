package io.agentload.trajectory;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Artificial Analysis' replay traces (ArtificialAnalysis/aa-agentperf-local, {@code traces/*.jsonl}): one
 * line per model call, in replay order, holding the full OpenAI chat request ({@code messages}, optional
 * {@code tools}) with {@code conversation_id}, {@code conversation_idx}, {@code target_output_tokens} and
 * {@code simulated_tool_delay_ms_after}. Only token counts reach the turns, never message text.
 *
 * <p><b>Columns.</b> {@code session_id} = {@code conversation_id}; {@code turn} = {@code conversation_idx}, which
 * must run 0, 1, 2 ... in file order within a conversation. {@code input_tokens}: the request rendered by
 * {@link ChatTokens} (o200k_base text, three marker tokens plus the role per message, tool calls and the tool
 * definitions block included, three tokens of reply priming). {@code output_tokens} = {@code target_output_tokens},
 * else {@code recorded_completion_tokens}. {@code tool_time_ms} = {@code simulated_tool_delay_ms_after}, rounded.
 * {@code shared_prefix_tokens}: the leading system (or developer) messages and the tools block, the part a
 * harness sends unchanged on every task; {@code shared_prefix_id} is {@code aa-} and 16 hex digits of the SHA-256
 * of their JSON text, so every session of one harness version shares it (the three SWE traces share one, three of
 * the five OpenClaw traces another; the other two OpenClaw system prompts append a loaded skill and get ids of
 * their own).
 *
 * <p><b>Reuse.</b> {@code reused_tokens} is the length of the longest common leading run of tokens between this
 * call's prompt and the previous call's prompt followed by its output, the output being the assistant message
 * that follows the messages both calls share (nothing when no assistant message follows there). In the OpenClaw
 * traces each call appends the answer and tool results to the previous call's messages, so reuse covers the
 * previous prompt and answer; the SWE traces replace the last user message ("Tool-call turn N of 100") on every
 * call, so reuse ends after the previous tool result (plus the next message's start marker). A call whose tool
 * definitions changed reuses only its system messages, as a serving engine's prefix cache would.
 *
 * <p><b>Against the serving models' counts.</b> {@code recorded_prompt_tokens} come from each recording model's
 * own tokenizer and template. Over the 168 real calls, input_tokens / recorded_prompt_tokens lies between 0.847
 * and 0.938, mean 0.893 (SWE traces 0.847 to 0.913, OpenClaw traces 0.872 to 0.938): o200k_base needs 6% to 15%
 * fewer tokens for the same requests. Least-squares fits give 1.11 (SWE) and 1.15 (OpenClaw) recorded tokens per
 * o200k token, with intercepts of +152 and -619 tokens: the gap is the tokenizer, not a template overhead per
 * message that we could add. The tests hold every call within 0.82 to 0.96.
 *
 * <p><b>Language</b> is inferred from the task id ({@code task_id}, else {@code conversation_id}): SWE-bench
 * instances ({@code owner__repo-number}) of its twelve Python repositories (astropy, django, matplotlib, seaborn,
 * flask, requests, xarray, pylint, pytest, scikit-learn, sphinx, sympy) are {@code python}; anything else is
 * {@value #UNKNOWN_LANGUAGE}.
 */
final class AaReplayTrace {

    static final String UNKNOWN_LANGUAGE = "unknown";
    private static final Pattern SWE_BENCH_ID = Pattern.compile("^([A-Za-z0-9_.-]+?)__[A-Za-z0-9_.-]+-\\d+$");
    private static final Set<String> SWE_BENCH_PYTHON_OWNERS = Set.of("astropy", "django", "matplotlib", "mwaskom",
            "pallets", "psf", "pydata", "pylint-dev", "pytest-dev", "scikit-learn", "sphinx-doc", "sympy");

    private AaReplayTrace() {
    }

    /** The turns of every conversation in the given trace files (or directories of them), conversation by conversation. */
    static List<Turn> read(Path... paths) {
        Map<String, Conversation> conversations = new LinkedHashMap<>();
        for (Path file : TraceLine.files(paths)) {
            for (TraceLine line : TraceLine.read(file)) {
                String id = line.text("conversation_id");
                if (id.isEmpty()) throw line.error("conversation_id", "empty");
                conversations.computeIfAbsent(id, Conversation::new).add(line);
            }
        }
        List<Turn> turns = new ArrayList<>();
        for (Conversation c : conversations.values()) turns.addAll(c.turns);
        return turns;
    }

    /** A conversation's turns so far and what the next call is compared with. */
    private static final class Conversation {
        final String id;
        final List<Turn> turns = new ArrayList<>();
        String language;
        TraceLine previousLine;
        List<JsonNode> previousMessages = List.of();
        Map<JsonNode, int[]> previousTokens = Map.of();
        int[] previousPrompt;

        Conversation(String id) {
            this.id = id;
        }

        void add(TraceLine line) {
            int turn = line.count("conversation_idx");
            if (turn != turns.size()) {
                throw line.error("conversation_idx", "expected " + turns.size() + " in conversation " + id
                        + (previousLine == null ? "" : " (previous call at " + previousLine.file().getFileName()
                        + " line " + previousLine.number() + ")")
                        + ", found " + turn + ": a conversation's calls must appear once each, in replay order");
            }
            if (language == null) language = language(line);
            List<JsonNode> messages = new ArrayList<>();
            line.array("messages").forEach(messages::add);
            Map<JsonNode, int[]> tokens = render(line, messages);

            int system = 0;
            while (system < messages.size() && isSystem(ChatTokens.role(line, system, messages.get(system)))) system++;
            JsonNode tools = line.json().path("tools");
            boolean hasTools = !tools.isMissingNode() && !tools.isNull() && line.array("tools").size() > 0;
            List<int[]> parts = new ArrayList<>();
            for (JsonNode m : messages.subList(0, system)) parts.add(tokens.get(m));
            if (hasTools) parts.add(ChatTokens.tools(tools));
            int sharedPrefixTokens = length(parts);
            for (JsonNode m : messages.subList(system, messages.size())) parts.add(tokens.get(m));
            parts.add(ChatTokens.replyPriming());
            int[] prompt = concat(parts);

            String sharedPrefixId = sharedPrefixTokens == 0 ? ""
                    : "aa-" + sha256Hex(systemText(messages, system) + "\n" + (hasTools ? tools.toString() : ""));
            long toolTimeMs = Math.round(line.nonNegative("simulated_tool_delay_ms_after"));
            turns.add(new Turn(id, turn, language, prompt.length, reused(messages, tokens, prompt), sharedPrefixId,
                    sharedPrefixTokens, outputTokens(line), toolTimeMs, List.of()));
            previousLine = line;
            previousMessages = messages;
            previousTokens = tokens;
            previousPrompt = prompt;
        }

        /** The tokens of each distinct message, tokenizing only those the previous call did not have. */
        private Map<JsonNode, int[]> render(TraceLine line, List<JsonNode> messages) {
            Map<JsonNode, int[]> tokens = new HashMap<>();
            for (int i = 0; i < messages.size(); i++) {
                JsonNode m = messages.get(i);
                if (tokens.containsKey(m)) continue;
                int[] t = previousTokens.get(m);
                tokens.put(m, t != null ? t : ChatTokens.message(line, i, m));
            }
            return tokens;
        }

        /** Leading tokens shared with the previous prompt followed by the output that this call's messages show. */
        private int reused(List<JsonNode> messages, Map<JsonNode, int[]> tokens, int[] prompt) {
            if (previousPrompt == null) return 0;
            int shared = 0;
            while (shared < messages.size() && shared < previousMessages.size()
                    && messages.get(shared).equals(previousMessages.get(shared))) shared++;
            int[] before = previousPrompt;
            if (shared < messages.size() && "assistant".equals(messages.get(shared).path("role").asText())) {
                int[] output = tokens.get(messages.get(shared));
                int primed = previousPrompt.length - ChatTokens.replyPriming().length;
                before = Arrays.copyOf(previousPrompt, primed + output.length);
                System.arraycopy(output, 0, before, primed, output.length);
            }
            int mismatch = Arrays.mismatch(prompt, before);
            return mismatch < 0 ? prompt.length : mismatch;
        }
    }

    private static boolean isSystem(String role) {
        return role.equals("system") || role.equals("developer");
    }

    private static String systemText(List<JsonNode> messages, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) text.append(messages.get(i).toString()).append('\n');
        return text.toString();
    }

    private static int outputTokens(TraceLine line) {
        JsonNode target = line.json().get("target_output_tokens");
        if (target != null && !target.isNull()) return line.count("target_output_tokens");
        JsonNode recorded = line.json().get("recorded_completion_tokens");
        if (recorded != null && !recorded.isNull()) return line.count("recorded_completion_tokens");
        throw line.error("target_output_tokens", "missing, and no recorded_completion_tokens either");
    }

    private static String language(TraceLine line) {
        JsonNode task = line.json().get("task_id");
        String id = task != null && task.isTextual() ? task.asText() : line.text("conversation_id");
        Matcher m = SWE_BENCH_ID.matcher(id);
        return m.matches() && SWE_BENCH_PYTHON_OWNERS.contains(m.group(1)) ? "python" : UNKNOWN_LANGUAGE;
    }

    private static int length(List<int[]> parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        return n;
    }

    private static int[] concat(List<int[]> parts) {
        int[] all = new int[length(parts)];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
