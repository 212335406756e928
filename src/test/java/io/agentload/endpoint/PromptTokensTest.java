package io.agentload.endpoint;

import io.agentload.trajectory.PromptLayout;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptTokensTest {

    static int[] ids(PromptLayout layout, long salt, TokenIdRange range) throws IOException {
        PromptTokens tokens = new PromptTokens(layout, salt, range);
        int[] ids = new int[tokens.size()], batch = new int[777];
        for (int from = 0, n; from < ids.length; from += n) {
            n = tokens.ids(from, ids.length, batch);
            assertEquals(Math.min(777, ids.length - from), n);
            System.arraycopy(batch, 0, ids, from, n);
        }
        return ids;
    }

    static int[] ids(PromptLayout layout, long salt) throws IOException {
        return ids(layout, salt, TokenIdRange.DEFAULT);
    }

    @Test
    void everyTurnRepeatsTheExactTokensOfItsReusedPrefix() throws IOException {
        // Turn 1 reuses turn 0's prompt and output; turn 2 keeps only part of turn 1's prompt; turn 3 compacts.
        List<PromptLayout> layouts = Layouts.session("s1", 500,
                new int[] {2_000, 0, 100}, new int[] {3_000, 2_100, 50}, new int[] {2_800, 2_600, 10}, new int[] {900, 0, 5});
        int[][] ids = new int[4][];
        for (int k = 0; k < 4; k++) ids[k] = ids(layouts.get(k), 42);

        assertArrayEquals(ids[0], Arrays.copyOf(ids[1], 2_000), "turn 1 starts with turn 0's whole prompt");
        assertArrayEquals(Arrays.copyOf(ids[1], 2_600), Arrays.copyOf(ids[2], 2_600), "turn 2 keeps 2,600 tokens of turn 1");
        assertTrue(differing(ids[1], ids[2], 2_600, 2_800) > 190, "turn 2's new tokens are new");
        assertArrayEquals(Arrays.copyOf(ids[0], 500), Arrays.copyOf(ids[3], 500), "after compaction only the shared prefix repeats");
        assertTrue(differing(ids[0], ids[3], 500, 900) > 390);
    }

    @Test
    void theSaltChangesSessionTokensButNotTheSharedPrefix() throws IOException {
        PromptLayout layout = Layouts.single(10_000, 3_000);
        int[] a = ids(layout, 1), b = ids(layout, 2);
        assertArrayEquals(Arrays.copyOf(a, 3_000), Arrays.copyOf(b, 3_000));
        // Independent ids from 99,000 values collide about 7,000 / 99,000 = 0.07 times.
        assertTrue(differing(a, b, 3_000, 10_000) >= 6_990, "session tokens differ with the salt");
        assertArrayEquals(a, ids(layout, 1), "deterministic");
    }

    @Test
    void twoSessionsShareOnlyTheirHarnessPrefix() throws IOException {
        int[] a = ids(Layouts.session("alpha", 1_000, new int[] {4_000, 0, 1}).get(0), 7);
        int[] b = ids(Layouts.session("beta", 1_000, new int[] {4_000, 0, 1}).get(0), 7);
        assertArrayEquals(Arrays.copyOf(a, 1_000), Arrays.copyOf(b, 1_000));
        assertTrue(differing(a, b, 1_000, 4_000) >= 2_990);
    }

    @Test
    void idsStayInTheRangeAndCoverItEvenly() throws IOException {
        TokenIdRange range = new TokenIdRange(1_000, 1_100);
        int[] ids = ids(Layouts.single(100_000, 10_000), 3, range);
        int[] histogram = new int[100];
        for (int id : ids) {
            assertTrue(id >= 1_000 && id < 1_100, "id " + id);
            histogram[id - 1_000]++;
        }
        // 100,000 draws over 100 values: each near 1,000 (sd ~31); 6 sd either side.
        for (int count : histogram) assertTrue(count > 810 && count < 1_190, "bucket count " + count);
    }

    @Test
    void aBatchCanStartAndEndAnywhere() throws IOException {
        PromptLayout layout = Layouts.session("s1", 100, new int[] {300, 0, 50}, new int[] {500, 350, 20}).get(1);
        int[] all = ids(layout, 5), part = new int[50];
        assertEquals(30, new PromptTokens(layout, 5, TokenIdRange.DEFAULT).ids(320, 350, part), "clipped at the end asked for");
        assertArrayEquals(Arrays.copyOfRange(all, 320, 350), Arrays.copyOf(part, 30));
    }

    @Test
    void theDefaultRangeAvoidsSpecialTokens() throws IOException {
        for (int id : ids(Layouts.single(50_000, 1_000), 9)) assertTrue(id >= 1_000 && id < 100_000, "id " + id);
    }

    private static int differing(int[] a, int[] b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) if (a[i] != b[i]) n++;
        return n;
    }
}
