package io.agentload.sim;

import org.jspecify.annotations.Nullable;

import java.util.Arrays;

/**
 * One replica's KV cache: a pool of fixed-size blocks with a prefix index, as vLLM's block manager keeps it. A block
 * is referenced by the sequences using it; a full block can be registered under its chained hash so that later
 * prompts with the same prefix reuse it; an unreferenced registered block stays cached on an LRU list and is evicted
 * only when no free block is left.
 *
 * <p>Registered blocks are kept as runs, as SGLang's RadixAttention keeps its tree's edges: consecutive blocks of one
 * sequence, with one reference count and, when unreferenced, one place in the LRU order, split where another sequence
 * takes only part of one. A sequence's blocks are released last first (so its prefix outlives its tail), which puts a
 * run's blocks on the LRU list next to each other, deepest first; eviction takes the head run's deepest block. So
 * acquiring an 1,100-block context and releasing it cost a few operations per run rather than per block, and every
 * count, hit and eviction comes out block for block as with one LRU entry per block. Per-block state lives in
 * primitive arrays grown on first use, so memory follows the blocks actually touched, never the configured capacity.
 *
 * <p>The index holds each run's first block only. Hashes are chained (a block's hash names its whole prefix, as
 * {@link Engine.Request} requires) and each is cached at most once, so a chain can enter a run only at its start and
 * every other cached block is found by walking on from the block before it: registering a turn's hundred new blocks
 * adds one index entry, and the index stays a hundredth of the blocks, small enough to stay in the CPU's caches.
 */
final class KvBlocks {
    /** Tokens per block, as vLLM's default. */
    static final int BLOCK_TOKENS = 16;

    /** The ids and hashes of one sequence's consecutive registered blocks, shared by the runs split from them. */
    private static final class Storage {
        final int[] ids;
        final long[] hashes;
        int fill;

        Storage(int capacity) {
            ids = new int[capacity];
            hashes = new long[capacity];
        }
    }

    /**
     * Registered blocks {@code [start, end)} of a storage, held by the same sequences; on the LRU list iff unreferenced.
     * Callers see it only as the opaque hint {@link #register(int[], int, int, long[], Run)} returns and takes.
     */
    static final class Run {
        final Storage storage;
        /** Its place in {@code runs}, reused once it is evicted whole. */
        final int number;
        int start;
        int end;
        int refs;
        /** Some sequence other than its registering one has acquired it, and may have started runs after its blocks. */
        boolean shared;
        /** Its first block's registering sequence did not hold the block cached under the hash before it. */
        boolean foreign;
        Run prev;
        Run next;

        Run(Storage storage, int number, int start, int end, int refs) {
            this.storage = storage;
            this.number = number;
            this.start = start;
            this.end = end;
            this.refs = refs;
        }
    }

    private final int capacity;
    private final HashIndex index = new HashIndex(this::keyOf);
    /** The run starts of every cache of the engine, this one's under {@code number}. */
    private RunStarts starts = new RunStarts();
    private int number;
    private int minted;
    /**
     * Per block, at {@code 2 * id}: its run's number plus one, 0 for a free or unregistered block; at {@code 2 * id +
     * 1}: a registered block's position in its run's storage. One array, so that a block's run and position are one
     * memory access (block ids are scattered over a million-entry array, far larger than the CPU's caches). Numbers
     * rather than references: this array lives in the old generation, and writing young {@code Run}s into it at every
     * registration made each young collection scan most of it (the card scanning took nearly all of the
     * 10,000-agent rack trial's GC pauses).
     */
    private int[] place = new int[0];
    /** Runs by number; null where a number is free. */
    private Run[] runs = new Run[16];
    private int[] freeRuns = new int[16];
    private int freeRunCount;
    private int runsMinted;
    /**
     * Runs now cached that are {@link Run#foreign}. Every other run's first block follows a block its registering
     * sequence held, which is released after the run and so outlives it on the LRU list; a foreign one's may be
     * evicted first, leaving a cached run after an uncached hash.
     */
    private int foreignRuns;
    private Run lruHead;
    private Run lruTail;
    private int cached;
    private int[] free = new int[16];
    private int freeCount;
    /**
     * The run and storage position where {@link #cachedPrefix}'s last index look-up entered this cache: the router
     * walks every rank's copy of the same shared prefix for every request, so the next walk most often enters here
     * again, which the run itself confirms (a live run's first block is always indexed under its hash, and hashes are
     * cached once), without the index probe and the per-block table's look-ups.
     */
    private @Nullable Run walked;
    private int walkedStart;
    private int referenced;
    private long evictions;

    KvBlocks(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Counts this cache's run starts, as cache {@code number}, in {@code starts}, which the engine's caches share. */
    void countStartsIn(RunStarts starts, int number) {
        if (index.size() > 0) throw new IllegalStateException("runs already indexed");
        this.starts = starts;
        this.number = number;
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

    /**
     * How many of {@code chain}'s leading hashes are cached, in order up to the first one not cached (at most {@code
     * limit}): what {@link #acquirePrefix} would acquire, without acquiring anything. One index look-up per run.
     */
    int cachedPrefix(long[] chain, int limit) {
        int n = Math.min(limit, chain.length);
        int i = 0;
        while (i < n) {
            // Ask the engine's shared count first: past a shared prefix, most caches start no run there.
            if (!starts.mayStart(chain[i], number)) break;
            Run r = walked;
            int from = walkedStart;
            if (r == null || from != r.start || from >= r.end || r.storage.hashes[from] != chain[i]) {
                int id = index.get(chain[i]);
                if (id < 0) break;
                r = run(id);
                from = offsetOf(id);
                walked = r;
                walkedStart = from;
            }
            i += matchedAt(r, from, chain, i, n);
        }
        return i;
    }

    /**
     * Acquires the cached blocks of {@code chain}'s leading hashes, in order up to the first one not cached (at most
     * {@code limit}), writing their ids to {@code ids} from index 0; returns how many. One index look-up per run: the
     * index holds runs' first blocks (a chain enters a run at its start), and a run's further blocks are matched by
     * comparing its stored hashes with the chain's.
     */
    int acquirePrefix(long[] chain, int limit, int[] ids) {
        int n = Math.min(limit, chain.length);
        int i = 0;
        while (i < n) {
            int id = index.get(chain[i]);
            if (id < 0) break;
            Run r = run(id);
            int from = offsetOf(id);
            int to = from + matched(r, id, chain, i, n);
            if (to < r.end) split(r, to);
            r = run(id);
            r.shared = true;
            System.arraycopy(r.storage.ids, from, ids, i, to - from);
            if (r.refs++ == 0) {
                unlink(r);
                referenced += to - from;
                cached -= to - from;
            }
            i += to - from;
        }
        return i;
    }

    /** How many of run {@code r}'s blocks from {@code id}'s on match {@code chain} from {@code i} on, below {@code n}. */
    private int matched(Run r, int id, long[] chain, int i, int n) {
        return matchedAt(r, offsetOf(id), chain, i, n);
    }

    /** {@link #matched} from storage position {@code from} of the run. */
    private static int matchedAt(Run r, int from, long[] chain, int i, int n) {
        long[] hashes = r.storage.hashes;
        // Chained hashes: one equal pair means equal prefixes, so matches lead and mismatches follow; bisect. Most
        // runs match whole (the router walks every rank's copy of a shared prefix): try the last block first.
        int lo = from + 1, hi = Math.min(r.end, from + n - i);
        if (lo < hi && hashes[hi - 1] == chain[i + hi - 1 - from]) return hi - from;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (hashes[mid] == chain[i + mid - from]) lo = mid + 1; else hi = mid;
        }
        return lo - from;
    }

    /** A block for new tokens: a free one, a never-used one, or the least recently used cached one; -1 if none. */
    int allocate() {
        int id;
        if (freeCount > 0) {
            id = free[--freeCount];
        } else if (minted < capacity) {
            id = minted++;
            if (2 * id >= place.length) grow();
        } else if (lruHead != null) {
            Run r = lruHead;
            int last = --r.end;
            id = r.storage.ids[last];
            place[2 * id] = 0;
            if (r.start == r.end) {
                unindex(r.storage.hashes[last], id);
                unlink(r);
                dropRun(r);
            }
            cached--;
            evictions++;
        } else {
            return -1;
        }
        referenced++;
        return id;
    }

    /**
     * Drops a sequence's references to its first {@code count} blocks {@code ids}, last first: an unregistered block
     * becomes free, a run left unreferenced joins the LRU tail. The sequence holds each of its runs whole (runs are
     * split where holders differ), so the walk moves from a run's last block to the block before its first.
     */
    void releaseAll(int[] ids, int count) {
        for (int i = count - 1; i >= 0; ) {
            int id = ids[i];
            Run r = run(id);
            if (r == null) {
                if (freeCount == free.length) free = Arrays.copyOf(free, free.length * 2);
                free[freeCount++] = id;
                referenced--;
                i--;
                continue;
            }
            i -= offsetOf(id) - r.start + 1;
            if (--r.refs == 0) {
                append(r);
                referenced -= r.end - r.start;
                cached += r.end - r.start;
            }
        }
    }

    /**
     * Registers a sequence's full blocks {@code ids[from, to)} under {@code chain}'s hashes at the same positions; a
     * hash already cached by another block leaves that block unregistered. A block continuing the sequence's own last
     * run (held by it alone) joins that run; one starting a run is indexed.
     */
    void register(int[] ids, int from, int to, long[] chain) {
        register(ids, from, to, chain, null);
    }

    /**
     * {@link #register(int[], int, int, long[])} given {@code hint}, what the same sequence's last call returned (or
     * null); returns the run of {@code ids[to - 1]} (null if it is not registered) for the next call. A decoding
     * sequence registers one block in sixteen steps: with the hint its run is found without looking up the block before
     * in the per-block table (a memory miss per call, the table being far larger than the CPU's caches). The hint is
     * checked, not trusted: it is used only if it still ends at {@code ids[from - 1]}.
     */
    @Nullable Run register(int[] ids, int from, int to, long[] chain, @Nullable Run hint) {
        // prev: the run of ids[p - 1] (null: not registered), kept as the loop goes instead of looked up per block.
        Run prev = null;
        int before = -1;
        if (from > 0) {
            int last = ids[from - 1];
            boolean hinted = hint != null && hint.start < hint.end && hint.storage.ids[hint.end - 1] == last;
            prev = hinted ? hint : run(last);
            before = prev != null ? last : holder(ids, from - 1, chain);
        }
        for (int p = from; p < to; p++) {
            int id = ids[p];
            if (place[2 * id] == 0) {
                Run tail = prev;
                // After the sequence's own block in a run no one else took, and with no foreign run cached, no run
                // can start here: the hash is not cached, and the index need not be asked.
                int held = tail != null && !tail.shared && foreignRuns == 0 ? -1 : next(chain, p, before);
                if (held >= 0) {
                    before = held;
                    prev = null;
                    continue;
                }
                if (tail == null || tail.refs != 1 || tail.end != tail.storage.fill
                        || tail.end == tail.storage.ids.length || tail.storage.ids[tail.end - 1] != ids[p - 1]) {
                    boolean foreign = p > 0 && tail == null;
                    tail = newRun(new Storage(chain.length - p), 0, 0, 1);
                    tail.foreign = foreign;
                    if (foreign) foreignRuns++;
                    index(chain[p], id);
                }
                Storage s = tail.storage;
                s.ids[s.fill] = id;
                s.hashes[s.fill] = chain[p];
                place[2 * id] = tail.number + 1;
                place[2 * id + 1] = s.fill++;
                tail.end++;
                prev = tail;
            } else {
                prev = run(id);
            }
            before = id;
        }
        return prev;
    }

    /**
     * The block cached under {@code chain[p]}, or -1, given {@code before}, the one cached under {@code chain[p - 1]}
     * (-1 if none). Hashes are chained (a hash names its whole prefix) and each is cached at most once, so a cached
     * block is either a run's first, which the index holds, or the next in the run of the block before it.
     */
    private int next(long[] chain, int p, int before) {
        if (before >= 0) {
            Run r = run(before);
            int o = offsetOf(before) + 1;
            if (o < r.end && r.storage.hashes[o] == chain[p]) return r.storage.ids[o];
        }
        return index.get(chain[p]);
    }

    /**
     * The block cached under {@code chain[p]}, or -1, where the sequence holds blocks {@code ids}: its own block if
     * registered, else found from its last registered block before {@code p} (a duplicate's twin, rarely needed).
     */
    private int holder(int[] ids, int p, long[] chain) {
        int q = p;
        while (q >= 0 && place[2 * ids[q]] == 0) q--;
        return walk(chain, q, q < 0 ? -1 : ids[q], p);
    }

    /** The block cached under {@code chain[p]}, or -1, whether or not every block before it is cached. */
    int find(long[] chain, int p) {
        return walk(chain, -1, -1, p);
    }

    /** The block cached under {@code chain[p]} from {@code held}, the one cached under {@code chain[q]}, q < p. */
    private int walk(long[] chain, int q, int held, int p) {
        for (int k = q + 1; k <= p; k++) held = next(chain, k, held);
        return held;
    }

    /**
     * Registers {@code chain}'s first {@code count} blocks as cached without a sequence computing them, as if a
     * request that held them had just ended: blocks already cached are refreshed, the rest are taken as {@link
     * #allocate} takes them (free ones first, then evicting the least recently used), and all of them end on the LRU
     * tail, deepest first. Stops early when every other block is held by a sequence; returns how many are cached.
     * A trial primes each agent's context this way so that its first turn finds what a fleet mid-session would have.
     */
    int prime(long[] chain, int count) {
        int n = Math.min(count, chain.length);
        int[] ids = new int[n];
        int held = acquirePrefix(chain, n, ids);
        int got = held;
        while (got < n) {
            int id = allocate();
            if (id < 0) break;
            ids[got++] = id;
        }
        register(ids, held, got, chain);
        releaseAll(ids, got);
        return got;
    }

    /**
     * Splits a run at storage position {@code at} into two with the same holders; the new one takes the shorter part
     * (its blocks relabelled) and, when the run is on the LRU list, the place of its blocks there (deeper part first);
     * the block at {@code at} now starts a run, so it joins the index.
     */
    private void split(Run r, int at) {
        Run part;
        if (at - r.start <= r.end - at) {
            part = newRun(r.storage, r.start, at, r.refs);
            r.start = at;
            part.foreign = r.foreign;
            r.foreign = false;
            if (r.refs == 0) insertAfter(r, part);
        } else {
            part = newRun(r.storage, at, r.end, r.refs);
            r.end = at;
            if (r.refs == 0) insertAfter(part, r.prev, r);
        }
        for (int j = part.start; j < part.end; j++) place[2 * part.storage.ids[j]] = part.number + 1;
        part.shared = r.shared = true;
        index(r.storage.hashes[at], r.storage.ids[at]);
    }

    private void index(long hash, int id) {
        if (index.putIfAbsent(hash, id)) starts.add(hash, number);
    }

    private void unindex(long hash, int id) {
        if (index.remove(hash, id)) starts.remove(hash, number);
    }

    /** Puts {@code part} right after {@code r} on the LRU list. */
    private void insertAfter(Run r, Run part) {
        insertAfter(part, r, r.next);
    }

    /** Links {@code run} between {@code before} (null: the head) and {@code after} (null: the tail). */
    private void insertAfter(Run run, Run before, Run after) {
        run.prev = before;
        run.next = after;
        if (before != null) before.next = run; else lruHead = run;
        if (after != null) after.prev = run; else lruTail = run;
    }

    private void append(Run r) {
        insertAfter(r, lruTail, null);
    }

    private void unlink(Run r) {
        Run p = r.prev, n = r.next;
        if (p != null) p.next = n; else lruHead = n;
        if (n != null) n.prev = p; else lruTail = p;
        r.prev = r.next = null;
    }

    /** The hash a registered block is indexed under. */
    private long keyOf(int id) {
        return run(id).storage.hashes[offsetOf(id)];
    }

    /** A registered block's position in its run's storage. */
    private int offsetOf(int id) {
        return place[2 * id + 1];
    }

    /** The run of a registered block, null for a free or unregistered one. */
    private Run run(int id) {
        int n = place[2 * id];
        return n == 0 ? null : runs[n - 1];
    }

    private Run newRun(Storage storage, int start, int end, int refs) {
        int n = freeRunCount > 0 ? freeRuns[--freeRunCount] : runsMinted++;
        if (n == runs.length) runs = Arrays.copyOf(runs, runs.length * 2);
        Run r = new Run(storage, n, start, end, refs);
        runs[n] = r;
        return r;
    }

    /** A run whose last block was evicted: its number is free again. */
    private void dropRun(Run r) {
        if (r.foreign) foreignRuns--;
        runs[r.number] = null;
        if (freeRunCount == freeRuns.length) freeRuns = Arrays.copyOf(freeRuns, freeRuns.length * 2);
        freeRuns[freeRunCount++] = r.number;
    }

    private void grow() {
        int size = (int) Math.min(capacity, Math.max(1024L, place.length));
        place = Arrays.copyOf(place, 2 * size);
    }
}
