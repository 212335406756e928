package io.agentload.trajectory;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadGeneratorTest {

    /** The published shape without the rhythm (WorkloadRhythmTest tests that part). */
    private static final WorkloadShape SHAPE = WorkloadShape.aaAgentPerf();
    private static final WorkloadGenerator GENERATOR = WorkloadGenerator.of(SHAPE);
    private static final List<Session> SESSIONS = GENERATOR.sessions(2_000, 2026);
    private static final List<Turn> TURNS = SESSIONS.stream().flatMap(s -> s.turns().stream()).toList();

    @Test
    void readmeExampleRuns() {
        WorkloadGenerator generator = WorkloadGenerator.of(WorkloadShape.codingAgent().withMeanInputTokens(40_000));
        List<Session> sessions = generator.sessions(100, 42);
        assertEquals(40_000, generator.shape().meanInputTokens());
        assertEquals(100, sessions.stream().filter(s -> !s.subagent()).count());
        assertEquals("gen-42-0", sessions.get(0).sessionId());
    }

    @Test
    void inputsHaveThePublishedMeanMinimumAndMaximum() {
        double mean = TURNS.stream().mapToInt(Turn::inputTokens).average().orElseThrow();
        assertEquals(27_000, mean, 0.10 * 27_000);
        int min = TURNS.stream().mapToInt(Turn::inputTokens).min().orElseThrow();
        int max = TURNS.stream().mapToInt(Turn::inputTokens).max().orElseThrow();
        assertTrue(min >= 4_500 && min <= 5_500, "min input " + min + " is not near ~5K");
        assertTrue(max <= 131_072 && max >= 120_000, "max input " + max + " does not reach toward the 131,072 limit");
    }

    @Test
    void calibrationMeetsTheMeanWithinThePilotsSamplingError() {
        // 20,000 sessions scatter about 0.7% around the pilot's mean, which is itself within about 0.7% of target.
        double mean = GENERATOR.turns(20_000, 77).stream().mapToInt(Turn::inputTokens).average().orElseThrow();
        assertEquals(27_000, mean, 0.03 * 27_000);
    }

    @Test
    void otherMeansAreMetToo() {
        for (int target : new int[] {20_000, 45_000}) {
            WorkloadGenerator g = WorkloadGenerator.of(SHAPE.withMeanInputTokens(target));
            double mean = g.turns(2_000, 5).stream().mapToInt(Turn::inputTokens).average().orElseThrow();
            assertEquals(target, mean, 0.10 * target, "target " + target);
        }
        assertTrue(WorkloadGenerator.of(SHAPE.withMeanInputTokens(45_000)).medianToolOutputTokens()
                > 2 * GENERATOR.medianToolOutputTokens());
    }

    @Test
    void unreachableMeansAreRefusedWithTheReachableRange() {
        IllegalArgumentException high = assertThrows(IllegalArgumentException.class,
                () -> WorkloadGenerator.of(SHAPE.withMeanInputTokens(200_000)));
        assertTrue(high.getMessage().startsWith("WorkloadShape.meanInputTokens 200000 is out of reach: "), high.getMessage());
        assertTrue(high.getMessage().matches(".*lies between \\d+ and \\d+ tokens.*"), high.getMessage());
        IllegalArgumentException low = assertThrows(IllegalArgumentException.class,
                () -> WorkloadGenerator.of(SHAPE.withMeanInputTokens(8_000)));
        assertTrue(low.getMessage().contains("out of reach"), low.getMessage());
    }

    @Test
    void outputsHaveThePublishedMedianAndTail() {
        int[] outputs = TURNS.stream().mapToInt(Turn::outputTokens).sorted().toArray();
        assertEquals(150, percentile(outputs, 0.50), 0.25 * 150);
        assertEquals(2_000, percentile(outputs, 0.95), 0.30 * 2_000);
        assertTrue(outputs[0] >= 1 && outputs[outputs.length - 1] <= 32_000);
    }

    @Test
    void sessionLengthsSpreadUpToTwoHundredTurns() {
        int[] lengths = SESSIONS.stream().mapToInt(s -> s.turns().size()).sorted().toArray();
        assertTrue(lengths[lengths.length - 1] <= 200);
        assertEquals(20, percentile(lengths, 0.50), 3);
        assertTrue(percentile(lengths, 0.10) <= 8, "p10 " + percentile(lengths, 0.10));
        assertTrue(percentile(lengths, 0.90) >= 45, "p90 " + percentile(lengths, 0.90));
        assertTrue(Arrays.stream(lengths).filter(n -> n >= 150).count() >= 5, "too few very long sessions");
    }

    @Test
    void languagesFollowTheirWeights() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Session s : SESSIONS) counts.merge(s.language(), 1, Integer::sum);
        assertEquals(SHAPE.languageWeights().keySet(), counts.keySet());
        assertEquals(15, counts.size());
        double total = SHAPE.languageWeights().values().stream().mapToDouble(Double::doubleValue).sum();
        int n = SESSIONS.size();
        for (Map.Entry<String, Double> e : SHAPE.languageWeights().entrySet()) {
            double p = e.getValue() / total;
            double share = counts.get(e.getKey()) / (double) n;
            assertEquals(p, share, 4 * Math.sqrt(p * (1 - p) / n), e.getKey()); // 4 binomial standard deviations
        }
        for (Session s : SESSIONS) {
            for (Turn t : s.turns()) assertEquals(s.language(), t.language());
        }
    }

    @Test
    void contextCompactsOccasionallyAndOnlyNearTheLimit() {
        int limit = SHAPE.contextLimitTokens(), prefix = SHAPE.sharedPrefixTokens();
        int compactions = 0;
        for (Session s : SESSIONS) {
            List<Turn> turns = s.turns();
            for (int k = 1; k < turns.size(); k++) {
                Turn t = turns.get(k), previous = turns.get(k - 1);
                if (t.reusedTokens() > 0) continue;
                compactions++;
                int carried = previous.inputTokens() + previous.outputTokens();
                assertTrue(carried + SHAPE.maxToolOutputTokens() > limit,
                        t.sessionId() + " turn " + k + " compacted at " + carried + " tokens, far below the limit");
                assertTrue(t.inputTokens() > prefix && t.inputTokens() < prefix + 20_000,
                        "compacted prompt " + t.inputTokens() + " is not the prefix and a summary");
            }
        }
        double share = compactions / (double) TURNS.size();
        assertTrue(share >= 0.0002 && share <= 0.005, "compaction share " + share);
    }

    @Test
    void toolTimesMatchTheRealTraces() {
        long[] times = SESSIONS.stream()
                .flatMap(s -> s.turns().subList(0, s.turns().size() - 1).stream())
                .mapToLong(Turn::toolTimeMs).sorted().toArray();
        assertTrue(times[0] > 0, "a tool time of 0 ms inside a session");
        assertEquals(123, times[times.length / 2], 0.15 * 123); // AA traces: median 116, fit 123
        assertEquals(213, Arrays.stream(times).average().orElseThrow(), 0.15 * 213); // AA traces: mean 214
        double slow = Arrays.stream(times).filter(t -> t >= 1_000).count() / (double) times.length;
        assertTrue(slow >= 0.02 && slow <= 0.08, "share of tool times >= 1 s: " + slow);
        for (Session s : SESSIONS) assertEquals(0, s.turns().get(s.turns().size() - 1).toolTimeMs());
    }

    @Test
    void aMillionTokenLimitLengthensSessionsAndKeepsEveryPerTurnShape() {
        WorkloadShape million = SHAPE.withScaledContextLimit(1_048_576);
        WorkloadGenerator generator = WorkloadGenerator.of(million);
        List<Session> sessions = generator.sessions(500, 2026);
        List<Turn> turns = sessions.stream().flatMap(s -> s.turns().stream()).toList();

        int[] inputs = turns.stream().mapToInt(Turn::inputTokens).sorted().toArray();
        assertTrue(inputs[inputs.length - 1] <= 1_048_576 && inputs[inputs.length - 1] > 900_000,
                "max input " + inputs[inputs.length - 1]);
        double beyond = Arrays.stream(inputs).filter(n -> n > 131_072).count() / (double) inputs.length;
        assertTrue(beyond > 0.3, "share of prompts longer than the published limit: " + beyond);
        assertEquals(174_000, Arrays.stream(inputs).average().orElseThrow(), 0.10 * 174_000);
        int[] lengths = sessions.stream().mapToInt(s -> s.turns().size()).sorted().toArray();
        assertEquals(160, percentile(lengths, 0.50), 20);
        assertTrue(lengths[lengths.length - 1] <= 1_600);
        // New tokens per turn stay those of the published shape (within the calibration's 10%).
        assertEquals(GENERATOR.medianToolOutputTokens(), generator.medianToolOutputTokens(),
                0.10 * GENERATOR.medianToolOutputTokens());

        // The same draws per turn: session i's first turns have the outputs and tool times of session i at 131K.
        for (int i = 0; i < 50; i++) {
            List<Turn> shortTurns = GENERATOR.session(i, 2026).turns(), longTurns = sessions.get(i).turns();
            for (int k = 0; k < shortTurns.size() - 1; k++) {
                assertEquals(shortTurns.get(k).outputTokens(), longTurns.get(k).outputTokens(), "session " + i);
                assertEquals(shortTurns.get(k).toolTimeMs(), longTurns.get(k).toolTimeMs(), "session " + i);
            }
        }
        int[] outputs = turns.stream().mapToInt(Turn::outputTokens).sorted().toArray();
        assertEquals(150, percentile(outputs, 0.50), 0.25 * 150);
        assertEquals(2_000, percentile(outputs, 0.95), 0.30 * 2_000);
        long[] tools = sessions.stream().flatMap(s -> s.turns().subList(0, s.turns().size() - 1).stream())
                .mapToLong(Turn::toolTimeMs).sorted().toArray();
        assertEquals(123, tools[tools.length / 2], 0.15 * 123);
        assertEquals(213, Arrays.stream(tools).average().orElseThrow(), 0.15 * 213);
        for (Session s : sessions) assertInvariants(million, s);
    }

    @Test
    void everyRowKeepsTheTurnTableInvariants() {
        for (Session s : SESSIONS) assertInvariants(SHAPE, s);
    }

    @Test
    void customShapesKeepTheInvariants() {
        WorkloadShape shape = SHAPE.withSharedPrefix("claude-code", 12_000)
                .withContextLimitTokens(65_536)
                .withMeanInputTokens(25_000)
                .withLanguageWeights(Map.of("rust", 1.0));
        List<Session> sessions = WorkloadGenerator.of(shape).sessions(300, 3);
        for (Session s : sessions) {
            assertInvariants(shape, s);
            assertEquals("rust", s.language());
        }
        assertTrue(sessions.stream().anyMatch(s -> s.turns().stream().anyMatch(t -> t.turn() > 0 && t.reusedTokens() == 0)),
                "a 64K context should compact");
    }

    @Test
    void sameSeedSameSessionsAcrossGenerators() {
        assertEquals(GENERATOR.sessions(50, 99), WorkloadGenerator.of(WorkloadShape.aaAgentPerf()).sessions(50, 99));
        assertNotEquals(GENERATOR.sessions(50, 99), GENERATOR.sessions(50, 100));
        assertNotEquals(GENERATOR.session(0, 99).turns().get(0).inputTokens(), GENERATOR.session(1, 99).turns().get(0).inputTokens());
    }

    @Test
    void aSessionDependsOnlyOnSeedAndIndex() {
        assertEquals(SESSIONS.get(3), GENERATOR.sessions(10, 2026).get(3));
        assertEquals(SESSIONS.get(1_999), GENERATOR.session(1_999, 2026));
        assertEquals(GENERATOR.turns(4, 2026), SESSIONS.subList(0, 4).stream().flatMap(s -> s.turns().stream()).toList());
    }

    @Test
    void generatedRowsMatchTheGoldenFileOnEveryJvm() throws IOException {
        // Pins the PRNG, StrictMath and the calibration: a change here changes every published workload.
        List<Turn> expected = readGolden("generated-coding-agent-seed42.csv");
        List<Turn> actual = new ArrayList<>(GENERATOR.turns(3, 42));
        actual.addAll(GENERATOR.session(630, 42).turns());
        assertEquals(expected, actual);
    }

    @Test
    void promptLayoutsReuseExactlyWhatTheRowsSay() {
        int block = 16;
        for (Session s : SESSIONS.subList(0, 300)) {
            List<PromptLayout> layouts = PromptLayout.of(s);
            for (int k = 1; k < layouts.size(); k++) {
                Turn t = s.turns().get(k), previous = s.turns().get(k - 1);
                PromptLayout layout = layouts.get(k);
                int turn = k;
                int inherited = layout.segments().stream()
                        .filter(seg -> seg.birthTurn() < turn && !seg.sharedPrefix())
                        .mapToInt(PromptLayout.Segment::end).max().orElse(SHAPE.sharedPrefixTokens());
                assertEquals(t.reusedTokens() == 0 ? SHAPE.sharedPrefixTokens() : t.reusedTokens(), inherited,
                        s.sessionId() + " turn " + k);
                long[] before = layouts.get(k - 1).blockHashes(block, 7), now = layout.blockHashes(block, 7);
                int common = 0;
                while (common < Math.min(before.length, now.length) && before[common] == now[common]) common++;
                int expected = t.reusedTokens() == 0 ? SHAPE.sharedPrefixTokens() / block : previous.inputTokens() / block;
                assertEquals(expected, common, s.sessionId() + " turn " + k + ": cached prefix blocks");
            }
        }
    }

    @Test
    void refusesNegativeCountsAndIndexes() {
        assertThrows(IllegalArgumentException.class, () -> GENERATOR.sessions(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> GENERATOR.session(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> WorkloadGenerator.of(null));
        assertEquals(List.of(), GENERATOR.sessions(0, 1));
    }

    private static void assertInvariants(WorkloadShape shape, Session s) {
        List<Turn> turns = s.turns();
        Turn first = turns.get(0);
        assertEquals(0, first.reusedTokens());
        assertTrue(first.inputTokens() > shape.sharedPrefixTokens(), "turn 0 holds the prefix and a task prompt");
        for (int k = 0; k < turns.size(); k++) {
            Turn t = turns.get(k);
            String where = s.sessionId() + " turn " + k;
            assertEquals(shape.sharedPrefixId(), t.sharedPrefixId(), where);
            assertEquals(shape.sharedPrefixTokens(), t.sharedPrefixTokens(), where);
            assertTrue(t.inputTokens() <= shape.contextLimitTokens(), where + " exceeds the context limit");
            assertTrue(t.outputTokens() >= 1 && t.outputTokens() <= shape.maxOutputTokens(), where);
            assertTrue(t.hashIds().isEmpty(), where);
            if (k == 0) continue;
            Turn previous = turns.get(k - 1);
            int carried = previous.inputTokens() + previous.outputTokens();
            assertTrue(t.reusedTokens() <= carried, where + " reuses more than the previous prompt and output");
            if (t.reusedTokens() > 0) {
                assertEquals(carried, t.reusedTokens(), where + " reuses all of the previous prompt and output");
                int added = t.inputTokens() - t.reusedTokens();
                assertTrue(added >= 1 && added <= shape.maxToolOutputTokens(), where + " adds " + added + " tokens");
            } else {
                assertTrue(t.inputTokens() > shape.sharedPrefixTokens(), where + " compacts to the prefix and a summary");
            }
        }
    }

    private static int percentile(int[] sorted, double p) {
        return sorted[(int) Math.floor(p * (sorted.length - 1))];
    }

    private static List<Turn> readGolden(String resource) throws IOException {
        List<Turn> turns = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(WorkloadGeneratorTest.class.getResourceAsStream(resource), resource),
                StandardCharsets.UTF_8))) {
            in.readLine(); // header
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(",");
                turns.add(new Turn(f[0], Integer.parseInt(f[1]), f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                        f[5], Integer.parseInt(f[6]), Integer.parseInt(f[7]), Long.parseLong(f[8]), List.of()));
            }
        }
        return turns;
    }
}
