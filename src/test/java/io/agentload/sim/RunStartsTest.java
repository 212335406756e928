package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunStartsTest {

    /** Random adds and removes over few hashes (long probe runs, deletions inside them) against a map of counts. */
    @Test
    void answersAsTheCachesThatHoldEachHash() {
        Random random = new Random(5);
        RunStarts starts = new RunStarts();
        Map<Long, List<Integer>> held = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            // Small hashes spread to few slots of a small table: collisions and wrap-around.
            long hash = random.nextInt(3_000) * 1024L;
            int cache = random.nextInt(9);
            List<Integer> caches = held.computeIfAbsent(hash, h -> new ArrayList<>());
            if (caches.contains(cache)) {
                starts.remove(hash, cache);
                caches.remove(Integer.valueOf(cache));
            } else {
                starts.add(hash, cache);
                caches.add(cache);
            }
            long probe = random.nextInt(3_000) * 1024L;
            List<Integer> at = held.getOrDefault(probe, List.of());
            for (int c = 0; c < 9; c++) {
                boolean may = starts.mayStart(probe, c);
                if (at.contains(c)) assertTrue(may, "cache " + c + " holds " + probe);
                if (at.isEmpty() || at.size() == 1 && at.get(0) != c) assertFalse(may, "cache " + c + " lacks " + probe);
            }
        }
    }

    /** The router's walk, with the caches' starts counted together, finds what each cache alone finds. */
    @Test
    void sharedCountsLeaveEachCachesPrefixAsItWas() {
        RunStarts starts = new RunStarts();
        KvBlocks a = new KvBlocks(64), b = new KvBlocks(64), alone = new KvBlocks(64);
        a.countStartsIn(starts, 0);
        b.countStartsIn(starts, 1);
        long[] shared = {1, 2, 3, 4, 5, 6}, other = {1, 2, 3, 14, 15, 16};
        for (KvBlocks k : List.of(a, alone)) k.prime(shared, 6);
        b.prime(other, 6);
        assertEquals(6, a.cachedPrefix(shared, 6));
        assertEquals(3, b.cachedPrefix(shared, 6));
        assertEquals(3, a.cachedPrefix(other, 6));
        assertEquals(6, b.cachedPrefix(other, 6));
        assertEquals(alone.cachedPrefix(other, 6), a.cachedPrefix(other, 6));
    }
}
