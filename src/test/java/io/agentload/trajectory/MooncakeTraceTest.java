package io.agentload.trajectory;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MooncakeTraceTest {

    static Path fixture(String name) {
        try {
            return Path.of(MooncakeTraceTest.class.getResource("/trajectory/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Turn turn(String session, int k, int input, int reused, String prefixId, int prefixTokens,
                             int output, long toolTime, Long... hashIds) {
        return new Turn(session, k, "unknown", input, reused, prefixId, prefixTokens, output, toolTime, List.of(hashIds));
    }

    @Test
    void linksTurnsThatExtendAnEarlierFullChainByHalfItsOutput() {
        List<Turn> turns = MooncakeTrace.read(fixture("mooncake/sessions.jsonl"));
        assertEquals(List.of(
                // line 1; line 3 extends its full blocks [1, 2]: tool time 10000 - (0 + 100 tokens at 50 tok/s)
                turn("sessions-1", 0, 1100, 0, "", 0, 100, 8_000, 1L, 2L, 3L),
                turn("sessions-1", 1, 1600, 1024, "", 0, 50, 9_000, 1L, 2L, 4L, 10L),
                turn("sessions-1", 2, 2100, 1536, "", 0, 30, 0, 1L, 2L, 4L, 6L, 11L),
                turn("sessions-2", 0, 600, 0, "", 0, 10, 0, 7L, 8L),
                // line 4 starts with line 1's chain, which line 3 continues already: an edited turn, a new session
                turn("sessions-4", 0, 1150, 0, "", 0, 6, 9_880, 1L, 2L, 5L),
                // line 6 grew by 3 tokens, exactly half of line 4's 6 output tokens
                turn("sessions-4", 1, 1153, 1024, "", 0, 1, 0, 1L, 2L, 13L),
                // line 7's 1000 output tokens would end at 50 s, after line 8 arrived: tool time clamps at 0
                turn("sessions-7", 0, 1024, 0, "", 0, 1000, 0, 20L, 21L),
                turn("sessions-7", 1, 2100, 1024, "", 0, 5, 0, 20L, 21L, 22L, 23L, 24L)), turns);
    }

    @Test
    void hubBlocksBecomeTheSharedPrefixAndNeverLinkSessions() {
        List<Turn> turns = MooncakeTrace.read(fixture("mooncake/hub.jsonl"));
        // block 0 has 16 followers: a hub. Line 17 would otherwise continue line 1, whose only full block is 0.
        assertEquals(17, turns.size());
        assertTrue(turns.stream().allMatch(t -> t.turn() == 0 && t.reusedTokens() == 0
                && t.sharedPrefixId().equals("hub-b0") && t.sharedPrefixTokens() == 512), turns.toString());
        assertEquals("hub-17", turns.get(16).sessionId());
    }

    @Test
    void takesRequestsInTimestampOrder() {
        List<Turn> turns = MooncakeTrace.read(fixture("mooncake/unordered.jsonl"));
        assertEquals(List.of(
                turn("unordered-3", 0, 700, 0, "", 0, 20, 4_600, 1L, 4L),
                turn("unordered-3", 1, 1200, 512, "", 0, 7, 0, 1L, 2L, 3L)), turns);
    }

    @Test
    void badInputNamesFileLineAndField() {
        assertError("mooncake/malformed.jsonl", "malformed.jsonl line 2: malformed JSON");
        assertError("mooncake/missing-field.jsonl", "missing-field.jsonl line 3, field output_length: missing");
        assertError("mooncake/wrong-type.jsonl",
                "wrong-type.jsonl line 1, field input_length: expected a non-negative whole number, found string");
        assertError("mooncake/wrong-hash-type.jsonl",
                "wrong-hash-type.jsonl line 1, field hash_ids[1]: expected a whole number, found string");
        assertError("mooncake/hash-count.jsonl", "hash-count.jsonl line 2, field hash_ids: 2 block hashes for"
                + " input_length 1100, expected 3 (one per 512-token block)");
        assertError("mooncake/unchained.jsonl", "unchained.jsonl line 2, field hash_ids[1]: block 2 follows block 4"
                + " here but block 1 on line 1");
        assertError("mooncake/absent.jsonl", "absent.jsonl: cannot read");
    }

    @Test
    void sameTraceTwiceWouldCollide() {
        Path f = fixture("mooncake/sessions.jsonl");
        TrajectoryException e = assertThrows(TrajectoryException.class, () -> MooncakeTrace.read(f, f));
        assertTrue(e.getMessage().contains("a trace named sessions was given already"), e.getMessage());
    }

    private static void assertError(String fixture, String expected) {
        Path path = fixture.endsWith("absent.jsonl") ? fixture("mooncake").resolve("absent.jsonl") : fixture(fixture);
        TrajectoryException e = assertThrows(TrajectoryException.class, () -> MooncakeTrace.read(path));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** Counts below were derived independently by a Python prototype of the same rule over the same file. */
    @Test
    void conversationTrace() {
        List<Turn> turns = MooncakeTrace.read(RealTraces.path("mooncake/conversation_trace.jsonl"));
        Map<String, List<Turn>> sessions = bySession(turns);
        assertEquals(12_031, turns.size());
        assertEquals(8_218, sessions.size());
        assertEquals(2_012, sessions.values().stream().filter(s -> s.size() > 1).count());
        assertEquals(43, sessions.values().stream().mapToInt(List::size).max().orElseThrow());
        long later = turns.stream().filter(t -> t.turn() > 0).count();
        assertEquals(3_813, later);
        assertEquals(later, turns.stream().filter(t -> t.reusedTokens() > 0).count(), "every later turn reuses");
        assertEquals(0.3082, reusedShare(turns), 1e-4);
        assertTrue(turns.stream().allMatch(t -> t.sharedPrefixId().equals("conversation_trace-b0")
                && t.sharedPrefixTokens() == 512 && t.language().equals("unknown")));

        Turn first = sessions.get("conversation_trace-1").get(0);
        assertEquals(turn("conversation_trace-1", 0, 6758, 0, "conversation_trace-b0", 512, 500, 0,
                0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L), first);
        List<Turn> longest = sessions.get("conversation_trace-286"); // lines 286, 413, 514, 624, ...
        assertEquals(43, longest.size());
        assertEquals(44_600, longest.get(0).toolTimeMs()); // 144000 - (99000 + 20 tokens at 50 tok/s)
        assertEquals(List.of(6649, 6144, 22), List.of(longest.get(1).inputTokens(), longest.get(1).reusedTokens(),
                longest.get(1).outputTokens()));
        assertEquals(6656, longest.get(3).reusedTokens());
        long[] gaps = sessions.values().stream().flatMap(s -> s.subList(0, s.size() - 1).stream())
                .mapToLong(Turn::toolTimeMs).sorted().toArray();
        assertEquals(3_813, gaps.length);
        assertEquals(7, Arrays.stream(gaps).filter(g -> g == 0).count(), "answers estimated to end after the next turn");
        assertEquals(116_779, gaps[gaps.length / 2], "median think time");
        sessions.forEach((id, s) -> PromptLayout.of(new Session(id, "unknown", s)));
    }

    @Test
    void syntheticTrace() {
        List<Turn> turns = MooncakeTrace.read(RealTraces.path("mooncake/synthetic_trace.jsonl"));
        Map<String, List<Turn>> sessions = bySession(turns);
        assertEquals(3_993, turns.size());
        assertEquals(3_580, sessions.size());
        assertEquals(4, sessions.values().stream().mapToInt(List::size).max().orElseThrow());
        assertEquals(413, turns.stream().filter(t -> t.reusedTokens() > 0).count());
        assertEquals(0.1662, reusedShare(turns), 1e-4);
        assertTrue(turns.stream().allMatch(t -> t.sharedPrefixTokens() == 0), "no hub in the synthetic trace");
    }

    static Map<String, List<Turn>> bySession(List<Turn> turns) {
        return turns.stream().collect(Collectors.groupingBy(Turn::sessionId, LinkedHashMap::new, Collectors.toList()));
    }

    private static double reusedShare(List<Turn> turns) {
        return turns.stream().mapToLong(Turn::reusedTokens).sum()
                / (double) turns.stream().mapToLong(Turn::inputTokens).sum();
    }
}
