package io.agentload.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class KvBlocksTest {

    @Test
    void unreferencedCachedBlocksAreEvictedLeastRecentlyUsedFirst() {
        KvBlocks pool = new KvBlocks(4);
        int[][] ids = new int[4][1];
        for (int i = 0; i < 4; i++) {
            ids[i][0] = pool.allocate();
            pool.register(ids[i], 0, 1, new long[] {100 + i});
        }
        assertEquals(-1, pool.allocate());
        pool.releaseAll(ids[2], 1);
        pool.releaseAll(ids[0], 1);
        assertEquals(2, pool.cached());
        assertEquals(2, pool.available());
        // Reusing block 2 takes it off the LRU list; the next allocation evicts block 0, the only one left.
        int[] hit = new int[1];
        assertEquals(1, pool.acquirePrefix(new long[] {102}, 1, hit));
        assertEquals(ids[2][0], hit[0]);
        assertEquals(ids[0][0], pool.allocate());
        assertEquals(-1, pool.find(new long[] {100}, 0));
        assertEquals(1, pool.evictions());
        assertEquals(ids[2][0], pool.find(new long[] {102}, 0));
    }

    @Test
    void aSequencesPrefixOutlivesItsTail() {
        KvBlocks pool = new KvBlocks(4);
        int[] ids = new int[3];
        long[] chain = {1, 2, 3};
        for (int i = 0; i < 3; i++) ids[i] = pool.allocate();
        pool.register(ids, 0, 3, chain);
        pool.releaseAll(ids, 3);
        pool.allocate();
        assertEquals(0, pool.evictions(), "a never-used block first");
        pool.allocate();
        assertEquals(-1, pool.find(chain, 2), "then the deepest block");
        assertEquals(2, pool.acquirePrefix(chain, 3, new int[3]));
    }

    @Test
    void freeBlocksAreUsedBeforeCachedOnes() {
        KvBlocks pool = new KvBlocks(3);
        int[] cachedBlock = {pool.allocate()};
        pool.register(cachedBlock, 0, 1, new long[] {7});
        int[] plain = {pool.allocate()};
        pool.releaseAll(cachedBlock, 1);
        pool.releaseAll(plain, 1);
        assertEquals(plain[0], pool.allocate());
        int fresh = pool.allocate();
        assertEquals(2, fresh);
        assertEquals(cachedBlock[0], pool.find(new long[] {7}, 0));
        assertEquals(cachedBlock[0], pool.allocate());
        assertEquals(-1, pool.find(new long[] {7}, 0));
    }

    @Test
    void aPrefixIsAcquiredUpToTheFirstMissingBlock() {
        KvBlocks pool = new KvBlocks(8);
        long[] chain = {11, 12, 13, 14};
        int[] cached = new int[3];
        for (int i = 0; i < 3; i++) cached[i] = pool.allocate();
        pool.register(cached, 0, 3, chain);
        int[] ids = new int[4];
        assertEquals(3, pool.acquirePrefix(chain, 4, ids));
        assertArrayEquals(cached, Arrays.copyOf(ids, 3));
        assertEquals(2, pool.acquirePrefix(chain, 2, ids));
        assertEquals(1, pool.acquirePrefix(new long[] {11, 99, 13}, 3, ids));
        pool.releaseAll(cached, 3);
        assertEquals(3, pool.referenced(), "each acquired block holds one more reference");
    }

    @Test
    void aDuplicateHashLeavesTheSecondBlockUncached() {
        KvBlocks pool = new KvBlocks(2);
        int[] a = {pool.allocate()}, b = {pool.allocate()};
        pool.register(a, 0, 1, new long[] {5});
        pool.register(b, 0, 1, new long[] {5});
        pool.releaseAll(b, 1);
        assertEquals(0, pool.cached());
        assertEquals(a[0], pool.find(new long[] {5}, 0));
    }

    @Test
    void aRunLeftAfterAnUncachedHashIsStillFoundAndNotCachedTwice() {
        KvBlocks pool = new KvBlocks(5);
        int[] a = {pool.allocate(), pool.allocate()};
        pool.register(a, 0, 2, new long[] {1, 2});
        // b computes the same two blocks (duplicates, left uncached) and a third after them, run by itself.
        int[] b = {pool.allocate(), pool.allocate(), pool.allocate()};
        pool.register(b, 0, 3, new long[] {1, 2, 3});
        pool.releaseAll(a, 2);
        pool.releaseAll(b, 3);
        // c takes b's two free blocks, then evicts a's run: block 3 stays cached after uncached hashes 1 and 2.
        long[] chain = {1, 2, 3, 4};
        int[] c = new int[4];
        for (int i = 0; i < 4; i++) c[i] = pool.allocate();
        assertEquals(2, pool.evictions());
        assertEquals(0, pool.acquirePrefix(chain, 4, new int[4]));
        assertEquals(b[2], pool.find(chain, 2));
        pool.register(c, 0, 4, chain);
        assertEquals(b[2], pool.find(chain, 2), "c's third block is a duplicate of b's");
        assertEquals(c[3], pool.find(chain, 3));
        assertEquals(4, pool.cachedPrefix(chain, 4));
        pool.releaseAll(c, 4);
        assertEquals(4, pool.cached());
        assertEquals(1, pool.available() - pool.cached());
    }

    @Test
    void aWalkDoesNotReenterARunEvictedWholeWhoseHashIsCachedAgain() {
        KvBlocks pool = new KvBlocks(3);
        long[] chain = {1, 2, 3};
        int[] first = {pool.allocate(), pool.allocate(), pool.allocate()};
        pool.register(first, 0, 3, chain);
        assertEquals(3, pool.cachedPrefix(chain, 3)); // the walk enters the run at hash 1
        pool.releaseAll(first, 3);
        int[] again = {pool.allocate(), pool.allocate(), pool.allocate()}; // evicts the whole run
        assertEquals(3, pool.evictions());
        pool.register(again, 0, 3, chain);
        assertEquals(3, pool.cachedPrefix(chain, 3), "the new run, not the evicted one");
    }

    /** One sequence of the random replay: its chain and its blocks in both pools, position for position. */
    private static final class Seq {
        final long[] chain;
        final int[] ids;
        final int[] refIds;
        int count;
        int registered;
        KvBlocks.Run hint;

        Seq(long[] chain, int most) {
            this.chain = chain;
            ids = new int[most];
            refIds = new int[most];
        }
    }

    @Test
    void runsEvictAndCountExactlyAsOneLruEntryPerBlock() {
        // Random admissions (prefix hits), allocations (evicting), registrations (some of hashes already cached) and
        // releases against the per-block reference; chains share prefixes and diverge as agents' turns do (hashes are
        // chained: a hash names its prefix), and sequences compute blocks already cached, leaving duplicates whose
        // originals may be evicted first, so cached blocks also lie beyond a chain's first uncached one. Registrations
        // pass the run hint the sequence's last one returned, none, or another sequence's.
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            int capacity = 32 + random.nextInt(400);
            KvBlocks pool = new KvBlocks(capacity);
            KvBlocksReference reference = new KvBlocksReference(capacity);
            List<long[]> chains = new ArrayList<>();
            List<Seq> live = new ArrayList<>();
            long fresh = 1_000_000;
            for (int step = 0; step < 20_000; step++) {
                int op = random.nextInt(10);
                if (op < 3 || live.isEmpty()) {
                    long[] chain;
                    int length = 1 + random.nextInt(60);
                    if (chains.isEmpty() || random.nextInt(6) == 0) {
                        chain = new long[length];
                        for (int i = 0; i < length; i++) chain[i] = fresh++;
                    } else {
                        long[] base = chains.get(random.nextInt(chains.size()));
                        int keep = random.nextInt(base.length + 1);
                        chain = Arrays.copyOf(base, Math.max(keep, keep + random.nextInt(40)));
                        for (int i = keep; i < chain.length; i++) chain[i] = fresh++;
                        if (chain.length == 0) chain = new long[] {fresh++};
                    }
                    chains.add(chain);
                    if (chains.size() > 200) chains.remove(random.nextInt(chains.size()));
                    Seq s = new Seq(chain, chain.length + 4);
                    int limit = random.nextInt(chain.length + 1);
                    int hits = pool.acquirePrefix(chain, limit, s.ids);
                    assertEquals(reference.acquirePrefix(chain, limit, s.refIds), hits, "seed " + seed + " step " + step);
                    s.count = hits;
                    s.registered = hits;
                    live.add(s);
                } else if (op < 6) {
                    Seq s = live.get(random.nextInt(live.size()));
                    int more = Math.min(1 + random.nextInt(8), s.ids.length - s.count);
                    for (int k = 0; k < more; k++) {
                        int id = pool.allocate(), refId = reference.allocate();
                        assertEquals(refId < 0, id < 0, "seed " + seed + " step " + step);
                        if (id < 0) break;
                        s.ids[s.count] = id;
                        s.refIds[s.count++] = refId;
                    }
                } else if (op < 8) {
                    Seq s = live.get(random.nextInt(live.size()));
                    int full = Math.min(s.count, s.chain.length);
                    if (full > s.registered) {
                        int to = s.registered + 1 + random.nextInt(full - s.registered);
                        // The sequence's own hint mostly, else none or another's (stale hints must be refused).
                        int which = random.nextInt(4);
                        KvBlocks.Run hint = which < 2 ? s.hint : which == 2 ? null : live.get(random.nextInt(live.size())).hint;
                        s.hint = pool.register(s.ids, s.registered, to, s.chain, hint);
                        for (int p = s.registered; p < to; p++) reference.register(s.refIds[p], s.chain[p]);
                        s.registered = to;
                    }
                } else {
                    Seq s = live.remove(random.nextInt(live.size()));
                    pool.releaseAll(s.ids, s.count);
                    for (int i = s.count - 1; i >= 0; i--) reference.release(s.refIds[i]);
                }
                String at = "seed " + seed + " step " + step;
                assertEquals(reference.referenced(), pool.referenced(), at);
                assertEquals(reference.cached(), pool.cached(), at);
                assertEquals(reference.evictions(), pool.evictions(), at);
                if (step % 50 == 0) {
                    for (long[] chain : chains) {
                        int depth = 0;
                        while (depth < chain.length && reference.lookup(chain[depth]) >= 0) depth++;
                        assertEquals(depth, pool.cachedPrefix(chain, chain.length), at);
                        for (int p = 0; step % 500 == 0 && p < chain.length; p++) {
                            assertEquals(reference.lookup(chain[p]) >= 0, pool.find(chain, p) >= 0, at);
                        }
                    }
                }
            }
        }
    }

    @Test
    void hashIndexAgreesWithAHashMapUnderRandomInsertsAndRemovals() {
        Random random = new Random(3);
        // Small keys collide in probe runs, exercising backward shifts.
        agreesWithAHashMap(random, 200_000, () -> random.nextInt(5000), LongStream.range(0, 5000).toArray());
    }

    @Test
    void hashIndexTellsApartKeysThatShareATag() {
        // Keys whose spread hashes share their high 32 bits (the tag and the home slot): only the owner's keys tell them apart.
        Random random = new Random(5);
        long[] pool = new long[600];
        for (int k = 0; k < pool.length; k++) pool[k] = unspread((long) (k % 3) << 32 | random.nextInt() & 0xFFFF_FFFFL);
        agreesWithAHashMap(random, 50_000, () -> pool[random.nextInt(pool.length)], pool);
    }

    /**
     * {@code rounds} random inserts (two in three, id = the round) and removals of {@code nextKey}'s keys into a
     * {@link HashIndex}, each checked against a HashMap, then every key of {@code probes} looked up in both.
     */
    private static void agreesWithAHashMap(Random random, int rounds, LongSupplier nextKey, long[] probes) {
        Map<Integer, Long> keys = new HashMap<>();
        HashIndex index = new HashIndex(keys::get);
        Map<Long, Integer> reference = new HashMap<>();
        for (int i = 0; i < rounds; i++) {
            long key = nextKey.getAsLong();
            if (random.nextInt(3) == 0) {
                Integer id = reference.remove(key);
                if (id != null) index.remove(key, id);
            } else {
                boolean stored = index.putIfAbsent(key, i);
                assertEquals(!reference.containsKey(key), stored);
                if (stored) keys.put(i, key);
                reference.putIfAbsent(key, i);
            }
        }
        assertEquals(reference.size(), index.size());
        for (long k : probes) assertEquals(reference.getOrDefault(k, -1), index.get(k));
    }

    /** The key whose Murmur3-finalised hash is {@code z} (the finaliser's inverse). */
    private static long unspread(long z) {
        z ^= z >>> 33;
        z *= inverse(0xc4ceb9fe1a85ec53L);
        z ^= z >>> 33;
        z *= inverse(0xff51afd7ed558ccdL);
        return z ^ z >>> 33;
    }

    /** The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration). */
    private static long inverse(long a) {
        long x = a;
        for (int i = 0; i < 6; i++) x *= 2 - a * x;
        return x;
    }
}
