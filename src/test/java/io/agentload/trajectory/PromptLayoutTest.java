package io.agentload.trajectory;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class PromptLayoutTest {

    private static Turn turn(int k, int input, int reused, int output) {
        return new Turn("s1", k, "java", input, reused, "sys", 100, output, 1000, List.of());
    }

    @Test
    void inheritsPreviousPromptAndOutputUpToReusedTokens() {
        Session s = new Session("s1", "java", List.of(
                turn(0, 300, 0, 50),     // [0,100) prefix, [100,300) t0; output [300,350) t0
                turn(1, 500, 350, 20),   // [0,100) prefix, [100,350) t0, [350,500) t1
                turn(2, 450, 420, 10))); // truncated inside t1's prompt: [350,420) t1, then new [420,450) t2
        List<PromptLayout> layouts = PromptLayout.of(s);

        assertEquals(List.of(
                new PromptLayout.Segment(0, 100, "sys", -1),
                new PromptLayout.Segment(100, 300, "s1", 0)), layouts.get(0).segments());
        assertEquals(List.of(
                new PromptLayout.Segment(0, 100, "sys", -1),
                new PromptLayout.Segment(100, 350, "s1", 0),
                new PromptLayout.Segment(350, 500, "s1", 1)), layouts.get(1).segments());
        assertEquals(List.of(
                new PromptLayout.Segment(0, 100, "sys", -1),
                new PromptLayout.Segment(100, 350, "s1", 0),
                new PromptLayout.Segment(350, 420, "s1", 1),
                new PromptLayout.Segment(420, 450, "s1", 2)), layouts.get(2).segments());
    }

    @Test
    void compactionStartsAgainFromTheSharedPrefix() {
        Session s = new Session("s1", "java", List.of(turn(0, 300, 0, 50), turn(1, 200, 0, 10)));
        assertEquals(List.of(
                new PromptLayout.Segment(0, 100, "sys", -1),
                new PromptLayout.Segment(100, 200, "s1", 1)), PromptLayout.of(s).get(1).segments());
    }

    @Test
    void reuseClaimedBeyondPreviousPromptAndOutputCountsAsNew() {
        Session s = new Session("s1", "java", List.of(turn(0, 300, 0, 50), turn(1, 900, 800, 10)));
        assertEquals(new PromptLayout.Segment(350, 900, "s1", 1), PromptLayout.of(s).get(1).segments().get(2));
    }

    @Test
    void blockHashesAgreeExactlyOnTheReusedPrefix() {
        Session s = new Session("s1", "java", List.of(turn(0, 300, 0, 50), turn(1, 500, 350, 20)));
        List<PromptLayout> layouts = PromptLayout.of(s);
        long[] h0 = layouts.get(0).blockHashes(16, 7);
        long[] h1 = layouts.get(1).blockHashes(16, 7);
        assertEquals(300 / 16, h0.length);
        assertEquals(500 / 16, h1.length);
        // Turn 1 repeats turn 0's whole prompt (300 tokens), so the 18 full blocks of it match.
        for (int b = 0; b < h0.length; b++) assertEquals(h0[b], h1[b], "block " + b);
        // Block 18 covers [288,304): turn 0's prompt ended at 300 without those tokens in a full block.
        assertEquals(h1.length, 31);
    }

    @Test
    void saltSeparatesSessionTokensButNotTheSharedPrefix() {
        Session s = new Session("s1", "java", List.of(turn(0, 300, 0, 50)));
        PromptLayout layout = PromptLayout.of(s).get(0);
        long[] a = layout.blockHashes(16, 1), b = layout.blockHashes(16, 2);
        for (int i = 0; i < 6; i++) assertEquals(a[i], b[i], "prefix block " + i); // [0,96) is shared prefix
        assertNotEquals(a[6], b[6]); // [96,112) holds session tokens
        assertArrayEquals(a, layout.blockHashes(16, 1));
    }

    @Test
    void differentContentAtTheSamePositionHashesDifferently() {
        // Turn 2 replaces turn 1's last tokens: same positions, different birth turn, so different hashes.
        Session s = new Session("s1", "java", List.of(
                turn(0, 160, 0, 0), turn(1, 320, 160, 0), turn(2, 320, 160, 0)));
        List<PromptLayout> layouts = PromptLayout.of(s);
        long[] h1 = layouts.get(1).blockHashes(16, 0), h2 = layouts.get(2).blockHashes(16, 0);
        assertEquals(h1[9], h2[9]);
        assertNotEquals(h1[10], h2[10]);
    }

    @Test
    void blockHashesWithOutputAreWhatTheNextTurnReuses() {
        Session s = new Session("s1", "java", List.of(turn(0, 300, 0, 50), turn(1, 500, 350, 20)));
        List<PromptLayout> layouts = PromptLayout.of(s);
        long[] withOutput = layouts.get(0).blockHashesWithOutput(16, 3);
        long[] next = layouts.get(1).blockHashes(16, 3);
        assertEquals(350 / 16, withOutput.length);
        for (int b = 0; b < withOutput.length; b++) assertEquals(withOutput[b], next[b], "block " + b);
    }

    @Test
    void stepByStepLayoutsEqualTheWholeSessionsLayouts() {
        Session s = new Session("s1", "java", List.of(
                turn(0, 300, 0, 50), turn(1, 500, 350, 20), turn(2, 200, 0, 10), turn(3, 260, 210, 5)));
        PromptLayout layout = PromptLayout.first(s.turns().get(0));
        List<PromptLayout> all = PromptLayout.of(s);
        assertEquals(all.get(0), layout);
        for (int k = 1; k < 4; k++) {
            layout = layout.next(s.turns().get(k));
            assertEquals(all.get(k), layout, "turn " + k);
        }
        // Turn 2 restarted after compaction; its output [200,210) continues its own new tokens [100,200).
        assertEquals(new PromptLayout.Segment(100, 210, "s1", 2), layout.segments().get(1));
    }

    @Test
    void aContinuedChainEqualsTheChainHashedInFull() {
        // Random sessions with growing, shrinking, compacted and over-claimed reuse, odd block sizes and outputs; each
        // turn's chain continued from the previous turn's (or from another session's) equals the full computation.
        java.util.Random random = new java.util.Random(5);
        for (int session = 0; session < 300; session++) {
            List<Turn> turns = new java.util.ArrayList<>();
            int context = 0;
            int shared = random.nextInt(120);
            for (int k = 0; k < 12; k++) {
                int reused = k == 0 || random.nextInt(8) == 0 ? 0 : random.nextInt(context + 40);
                int input = Math.max(shared, reused + 1 + random.nextInt(200));
                int output = random.nextInt(40);
                turns.add(new Turn("s" + session, k, "java", input, reused, "sys", shared, output, 0, List.of()));
                context = input + output;
            }
            int blockSize = 1 + random.nextInt(32);
            long salt = random.nextLong();
            PromptLayout previous = PromptLayout.first(new Turn("other", 0, "java", 150, 0, "sys", 100, 30, 0, List.of()));
            long[] previousHashes = previous.blockHashesWithOutput(blockSize, salt);
            for (PromptLayout layout : PromptLayout.of(new Session("s" + session, "java", turns))) {
                long[] continued = layout.blockHashesWithOutput(blockSize, salt, previous, previousHashes);
                assertArrayEquals(layout.blockHashesWithOutput(blockSize, salt), continued, layout.toString());
                previous = layout;
                previousHashes = continued;
            }
        }
    }

    @Test
    void aTurnExtendingThePreviousReusesItsFullBlocks() {
        Session s = new Session("s1", "java", List.of(turn(0, 300, 0, 50), turn(1, 500, 350, 20)));
        List<PromptLayout> layouts = PromptLayout.of(s);
        long[] first = layouts.get(0).blockHashesWithOutput(16, 9);
        // Poisoning the previous chain shows which blocks are copied rather than hashed: all 21 full blocks of the
        // previous 350 tokens.
        long[] poisoned = first.clone();
        java.util.Arrays.fill(poisoned, 42);
        long[] next = layouts.get(1).blockHashesWithOutput(16, 9, layouts.get(0), poisoned);
        for (int b = 0; b < 21; b++) assertEquals(42, next[b], "block " + b);
        assertNotEquals(42, next[21]);
    }
}
