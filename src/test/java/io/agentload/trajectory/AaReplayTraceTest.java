package io.agentload.trajectory;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.agentload.trajectory.MooncakeTraceTest.bySession;
import static io.agentload.trajectory.MooncakeTraceTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AaReplayTraceTest {

    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static List<Turn> realTurns;

    /** All real AA traces, imported once for the tests that read them. */
    private static synchronized List<Turn> realTurns() {
        if (realTurns == null) realTurns = AaReplayTrace.read(RealTraces.path("aa-agentperf-local"));
        return realTurns;
    }

    private static int tokens(String text) {
        return O200K.countTokensOrdinary(text);
    }

    /** A message: three markers, the role, the content. */
    private static int message(String role, String content) {
        return 3 + tokens(role) + tokens(content);
    }

    /** A tool call inside an assistant message: three markers, the name, the arguments. */
    private static int call(String name, String arguments) {
        return 3 + tokens(name) + tokens(arguments);
    }

    @Test
    void countsTemplateToolsAndReuseTokenByToken() {
        int system = message("system", "You are a coder.");
        int tools = 3 + tokens("tools") + tokens("[{\"type\":\"function\",\"function\":{\"name\":\"bash\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}}}}}]");
        int user = message("user", "Fix the bug.");
        int assistant1 = message("assistant", "Looking.") + call("bash", "{\"command\":\"ls\"}");
        int tool1 = message("tool", "a.py");
        int assistant2 = message("assistant", "") + call("bash", "{\"command\":\"cat a.py\"}");
        int tool2 = message("tool", "print(1)\n");
        int priming = 2 + tokens("assistant");
        String prefixId = "aa-" + sha256Hex("{\"role\":\"system\",\"content\":\"You are a coder.\"}\n\n[{\"type\":"
                + "\"function\",\"function\":{\"name\":\"bash\",\"parameters\":{\"type\":\"object\",\"properties\":"
                + "{\"command\":{\"type\":\"string\"}}}}}]");

        List<Turn> turns = AaReplayTrace.read(fixture("aa/conversation.jsonl"));

        int shared = system + tools;
        assertEquals(List.of(
                new Turn("django__django-1", 0, "python", shared + user + priming, 0, prefixId, shared, 12, 250, List.of()),
                // reuses the whole first prompt and its answer, the assistant message that this call shows
                new Turn("django__django-1", 1, "python",
                        shared + user + assistant1 + tool1 + message("user", "Turn 2 of 10") + priming,
                        shared + user + assistant1, prefixId, shared, 7, 1, List.of()),
                // "Turn 2 of 10" was replaced: reuse ends after the tool result, plus the next start marker
                new Turn("django__django-1", 2, "python",
                        shared + user + assistant1 + tool1 + assistant2 + tool2 + message("user", "Turn 3 of 10") + priming,
                        shared + user + assistant1 + tool1 + 1, prefixId, shared, 5, 0, List.of())), turns);
    }

    @Test
    void badInputNamesFileLineAndField() {
        assertError("bad-json.jsonl", "bad-json.jsonl line 2: malformed JSON");
        assertError("missing-conversation.jsonl", "missing-conversation.jsonl line 1, field conversation_id: missing");
        assertError("wrong-index-type.jsonl", "wrong-index-type.jsonl line 1, field conversation_idx: expected a"
                + " non-negative whole number, found string");
        assertError("no-output-count.jsonl", "no-output-count.jsonl line 1, field target_output_tokens: missing,"
                + " and no recorded_completion_tokens either");
        assertError("out-of-order.jsonl", "out-of-order.jsonl line 2, field conversation_idx: expected 1 in"
                + " conversation django__django-1 (previous call at out-of-order.jsonl line 1), found 2");
        assertError("missing-role.jsonl", "missing-role.jsonl line 1, field messages[1].role: missing");
        assertError("tool-call-without-name.jsonl", "tool-call-without-name.jsonl line 1, field"
                + " messages[2].tool_calls[0].function.name: missing");
        assertError("image-part.jsonl", "image-part.jsonl line 1, field messages[1].content[0]: only text parts");
        assertError("negative-delay.jsonl", "negative-delay.jsonl line 1, field simulated_tool_delay_ms_after:"
                + " expected a non-negative number, found -5");
    }

    @Test
    void sameConversationTwiceIsRefused() {
        Path f = fixture("aa/conversation.jsonl");
        TrajectoryException e = assertThrows(TrajectoryException.class, () -> AaReplayTrace.read(f, f));
        assertTrue(e.getMessage().contains("conversation.jsonl line 1, field conversation_idx: expected 3"), e.getMessage());
    }

    private static void assertError(String fixture, String expected) {
        Path path = fixture("aa/" + fixture);
        TrajectoryException e = assertThrows(TrajectoryException.class, () -> AaReplayTrace.read(path));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void realTraces() {
        List<Turn> turns = realTurns();
        Map<String, List<Turn>> sessions = bySession(turns);
        assertEquals(174, turns.size());
        assertEquals(Map.of("aa-mini-library-01", 6, "django__django-14500", 40, "django__django-15851", 28,
                "sphinx-doc__sphinx-10614", 40, "task_k8s_debugging", 5, "task_meeting_council_budget", 20,
                "task_meeting_council_votes", 21, "task_meeting_searchable_index", 9, "task_skill_search", 5),
                sessions.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size())));
        assertEquals(Set.of("django__django-14500", "django__django-15851", "sphinx-doc__sphinx-10614"),
                turns.stream().filter(t -> t.language().equals("python")).map(Turn::sessionId).collect(Collectors.toSet()));
        assertEquals(165, turns.stream().filter(t -> t.reusedTokens() > 0).count(), "every call after the first");
        assertEquals(new Turn("django__django-14500", 0, "python", 1238, 0, "aa-0e081e004d4cca09", 183, 101, 253,
                List.of()), sessions.get("django__django-14500").get(0));

        // One harness, one prefix: the three SWE traces share theirs, as do the three OpenClaw meeting tasks.
        assertEquals(1, prefixIds(sessions, "django__django-14500", "django__django-15851", "sphinx-doc__sphinx-10614"));
        assertEquals(1, prefixIds(sessions, "task_meeting_council_budget", "task_meeting_council_votes",
                "task_meeting_searchable_index"));
        assertEquals(3, prefixIds(sessions, "task_meeting_council_budget", "task_k8s_debugging", "task_skill_search"));

        for (List<Turn> s : sessions.values()) {
            boolean swe = s.get(0).language().equals("python");
            for (int k = 1; k < s.size(); k++) {
                int previousInput = s.get(k - 1).inputTokens(), reused = s.get(k).reusedTokens();
                if (swe) {
                    // only the replaced "Tool-call turn N of 100" message and the reply priming are lost
                    assertTrue(previousInput - reused > 0 && previousInput - reused <= 30, s.get(k).toString());
                } else if (!s.get(k).sessionId().equals("aa-mini-library-01") || k < 5) {
                    assertTrue(reused >= previousInput, s.get(k).toString());
                }
            }
        }
        // The mini trace's last call drops the tool definitions: only the system message (and a marker) is reused.
        Turn last = sessions.get("aa-mini-library-01").get(5);
        assertEquals(last.sharedPrefixTokens() + 1, last.reusedTokens());
        sessions.forEach((id, s) -> PromptLayout.of(new Session(id, s.get(0).language(), s)));
    }

    /**
     * Our o200k counts against the recording models' own tokenizers and templates: every real call within 0.82 to
     * 0.96 of {@code recorded_prompt_tokens} (measured: 0.847 to 0.938, mean 0.893, over the 168 real calls; the
     * synthetic mini trace records none).
     */
    @Test
    void inputTokensAgainstRecordedPromptTokens() {
        Path dir = RealTraces.path("aa-agentperf-local");
        Map<String, Integer> recorded = new HashMap<>();
        for (Path file : TraceLine.files(dir)) {
            for (TraceLine line : TraceLine.read(file)) {
                JsonNode r = line.json().get("recorded_prompt_tokens");
                if (r != null) recorded.put(line.json().get("conversation_id").asText() + "#"
                        + line.json().get("conversation_idx").asInt(), r.intValue());
            }
        }
        double min = Double.MAX_VALUE, max = 0, sum = 0;
        int n = 0;
        for (Turn t : realTurns()) {
            Integer r = recorded.get(t.sessionId() + "#" + t.turn());
            if (r == null) continue;
            double ratio = t.inputTokens() / (double) r;
            min = Math.min(min, ratio);
            max = Math.max(max, ratio);
            sum += ratio;
            n++;
        }
        assertEquals(168, n);
        assertTrue(min >= 0.82 && max <= 0.96, min + " to " + max);
        assertEquals(0.893, sum / n, 0.002);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long prefixIds(Map<String, List<Turn>> sessions, String... ids) {
        return Arrays.stream(ids).map(id -> sessions.get(id).get(0).sharedPrefixId()).distinct().count();
    }
}
