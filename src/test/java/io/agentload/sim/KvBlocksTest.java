package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class KvBlocksTest {

    @Test
    void unreferencedCachedBlocksAreEvictedLeastRecentlyUsedFirst() {
        KvBlocks pool = new KvBlocks(4);
        int[] ids = new int[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = pool.allocate();
            pool.register(ids[i], 100 + i);
        }
        assertEquals(-1, pool.allocate());
        pool.release(ids[2]);
        pool.release(ids[0]);
        assertEquals(2, pool.cached());
        assertEquals(2, pool.available());
        // Reusing block 2 takes it off the LRU list; the next allocation evicts block 0, the only one left.
        assertEquals(ids[2], pool.lookup(102));
        pool.acquire(ids[2]);
        assertEquals(ids[0], pool.allocate());
        assertEquals(-1, pool.lookup(100));
        assertEquals(1, pool.evictions());
        assertEquals(ids[2], pool.lookup(102));
    }

    @Test
    void freeBlocksAreUsedBeforeCachedOnes() {
        KvBlocks pool = new KvBlocks(3);
        int cachedBlock = pool.allocate();
        pool.register(cachedBlock, 7);
        int plain = pool.allocate();
        pool.release(cachedBlock);
        pool.release(plain);
        assertEquals(plain, pool.allocate());
        int fresh = pool.allocate();
        assertEquals(2, fresh);
        assertEquals(cachedBlock, pool.lookup(7));
        assertEquals(cachedBlock, pool.allocate());
        assertEquals(-1, pool.lookup(7));
    }

    @Test
    void aPrefixIsAcquiredUpToTheFirstMissingBlock() {
        KvBlocks pool = new KvBlocks(8);
        long[] chain = {11, 12, 13, 14};
        int[] cached = new int[3];
        for (int i = 0; i < 3; i++) pool.register(cached[i] = pool.allocate(), chain[i]);
        int[] ids = new int[4];
        assertEquals(3, pool.acquirePrefix(chain, 4, ids));
        assertArrayEquals(cached, Arrays.copyOf(ids, 3));
        assertEquals(2, pool.acquirePrefix(chain, 2, ids));
        assertEquals(1, pool.acquirePrefix(new long[] {11, 99, 13}, 3, ids));
        for (int i = 0; i < 3; i++) pool.release(cached[i]);
        assertEquals(3, pool.referenced(), "each acquired block holds one more reference");
    }

    @Test
    void aDuplicateHashLeavesTheSecondBlockUncached() {
        KvBlocks pool = new KvBlocks(2);
        int a = pool.allocate(), b = pool.allocate();
        pool.register(a, 5);
        pool.register(b, 5);
        pool.release(b);
        assertEquals(0, pool.cached());
        assertEquals(a, pool.lookup(5));
    }

    @Test
    void hashIndexAgreesWithAHashMapUnderRandomInsertsAndRemovals() {
        HashIndex index = new HashIndex();
        Map<Long, Integer> reference = new HashMap<>();
        Random random = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            long key = random.nextInt(5000); // small keys collide in probe runs, exercising backward shifts
            if (random.nextInt(3) == 0) {
                index.remove(key);
                reference.remove(key);
            } else {
                boolean stored = index.putIfAbsent(key, i);
                assertEquals(!reference.containsKey(key), stored);
                reference.putIfAbsent(key, i);
            }
        }
        assertEquals(reference.size(), index.size());
        for (long k = 0; k < 5000; k++) assertEquals(reference.getOrDefault(k, -1), index.get(k));
    }
}
