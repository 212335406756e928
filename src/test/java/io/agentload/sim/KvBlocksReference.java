package io.agentload.sim;

import java.util.Arrays;

/**
 * The KV cache as it was kept before runs (one reference count and one LRU entry per block), kept as the reference
 * {@link KvBlocksTest} replays random operations against: {@link KvBlocks} must count, hit and evict exactly as this.
 */
final class KvBlocksReference {
    private final int capacity;
    private final HashIndex index = new HashIndex(id -> this.hashes[id]);
    private int minted;
    private int[] refs = new int[0];
    private long[] hashes = new long[0];
    private boolean[] registered = new boolean[0];
    private int[] prev = new int[0];
    private int[] next = new int[0];
    private int lruHead = -1;
    private int lruTail = -1;
    private int cached;
    private int[] free = new int[16];
    private int freeCount;
    private int referenced;
    private long evictions;

    KvBlocksReference(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Blocks held by sequences. */
    int referenced() {
        return referenced;
    }

    /** Unreferenced blocks still holding a cached prefix. */
    int cached() {
        return cached;
    }

    /** Blocks a sequence could be given now (free ones plus evictable cached ones). */
    int available() {
        return capacity - referenced;
    }

    long evictions() {
        return evictions;
    }

    /** The block registered under {@code hash}, or -1. */
    int lookup(long hash) {
        return index.get(hash);
    }

    /**
     * Acquires the cached blocks of {@code chain}'s leading hashes, in order up to the first one not cached (at most
     * {@code limit}), writing their ids to {@code ids} from index 0; returns how many. One walk over the prefix.
     */
    int acquirePrefix(long[] chain, int limit, int[] ids) {
        int n = Math.min(limit, chain.length);
        int i = 0;
        for (int id; i < n && (id = index.get(chain[i])) >= 0; i++) {
            acquire(id);
            ids[i] = id;
        }
        return i;
    }

    /** Takes a reference to a registered block (taking it off the LRU list if it was unreferenced). */
    void acquire(int id) {
        if (refs[id]++ == 0) {
            unlink(id);
            referenced++;
        }
    }

    /** A block for new tokens: a free one, a never-used one, or the least recently used cached one; -1 if none. */
    int allocate() {
        int id;
        if (freeCount > 0) {
            id = free[--freeCount];
        } else if (minted < capacity) {
            id = minted++;
            if (id >= refs.length) grow();
        } else if (lruHead >= 0) {
            id = lruHead;
            unlink(id);
            index.remove(hashes[id], id);
            registered[id] = false;
            evictions++;
        } else {
            return -1;
        }
        refs[id] = 1;
        referenced++;
        return id;
    }

    /** Drops a reference; an unreferenced registered block joins the LRU tail, any other becomes free. */
    void release(int id) {
        if (--refs[id] > 0) return;
        referenced--;
        if (registered[id]) {
            prev[id] = lruTail;
            next[id] = -1;
            if (lruTail >= 0) next[lruTail] = id; else lruHead = id;
            lruTail = id;
            cached++;
        } else {
            if (freeCount == free.length) free = Arrays.copyOf(free, free.length * 2);
            free[freeCount++] = id;
        }
    }

    /** Registers a full block under its hash; a hash already cached by another block leaves this one unregistered. */
    void register(int id, long hash) {
        if (registered[id] || !index.putIfAbsent(hash, id)) return;
        hashes[id] = hash;
        registered[id] = true;
    }

    /** Takes a block off the LRU list (every unreferenced registered block is on it). */
    private void unlink(int id) {
        int p = prev[id], n = next[id];
        if (p >= 0) next[p] = n; else lruHead = n;
        if (n >= 0) prev[n] = p; else lruTail = p;
        prev[id] = next[id] = -1;
        cached--;
    }

    private void grow() {
        int size = (int) Math.min(capacity, Math.max(1024L, refs.length * 2L));
        refs = Arrays.copyOf(refs, size);
        hashes = Arrays.copyOf(hashes, size);
        registered = Arrays.copyOf(registered, size);
        int old = prev.length;
        prev = Arrays.copyOf(prev, size);
        next = Arrays.copyOf(next, size);
        Arrays.fill(prev, old, size, -1);
        Arrays.fill(next, old, size, -1);
    }
}
