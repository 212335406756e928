package io.agentload.sim;

import java.util.Arrays;

/**
 * Block hash to block id, open addressing with linear probing and backward-shift deletion. Each slot is one long: the
 * id and a 32-bit tag of the key's spread hash, whose low bits are also the slot it belongs in, so a probe reads one
 * array and a cache of a million blocks takes 16 MB (an index of a rack's KV cache is far larger than the CPU's caches:
 * every probe is a memory access, so one array and a fuller table matter more than the probe count). A tag match is
 * confirmed against the key the owner keeps for the id ({@link Keys}); other keys share a tag only by chance.
 */
final class HashIndex {
    /** The key an id is stored under, for every id in the index (the owner keeps keys; the index keeps tags). */
    interface Keys {
        long keyOf(int id);
    }

    private static final long EMPTY = -1L;

    private final Keys keys;
    private long[] slots;
    private int size;
    private int mask;

    HashIndex(Keys keys) {
        this.keys = keys;
        slots = new long[1024];
        Arrays.fill(slots, EMPTY);
        mask = 1023;
    }

    int size() {
        return size;
    }

    /** The id stored for {@code key}, or -1. */
    int get(long key) {
        int tag = tag(key);
        for (int i = tag & mask; ; i = (i + 1) & mask) {
            long e = slots[i];
            if (e == EMPTY) return -1;
            if ((int) (e >>> 32) == tag && keys.keyOf((int) e) == key) return (int) e;
        }
    }

    /** Stores {@code id} under {@code key} unless the key is present; returns whether it stored. */
    boolean putIfAbsent(long key, int id) {
        if (3L * (size + 1) > 2L * slots.length) grow();
        int tag = tag(key);
        int i = tag & mask;
        for (long e; (e = slots[i]) != EMPTY; i = (i + 1) & mask) {
            if ((int) (e >>> 32) == tag && keys.keyOf((int) e) == key) return false;
        }
        slots[i] = entry(tag, id);
        size++;
        return true;
    }

    /**
     * Removes {@code key}, stored as {@code id}, shifting later entries of its probe run back so lookups find them;
     * returns whether it was there.
     */
    boolean remove(long key, int id) {
        long wanted = entry(tag(key), id);
        int i = tag(key) & mask;
        for (long e; (e = slots[i]) != wanted; i = (i + 1) & mask) {
            if (e == EMPTY) return false;
        }
        size--;
        int hole = i;
        for (int j = (i + 1) & mask; slots[j] != EMPTY; j = (j + 1) & mask) {
            int home = (int) (slots[j] >>> 32) & mask;
            // Move entry j into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = EMPTY;
        return true;
    }

    private static long entry(int tag, int id) {
        return (long) tag << 32 | (id & 0xFFFF_FFFFL);
    }

    private static int tag(long key) {
        // Caller hashes may be small sequential ids (Mooncake traces): spread them (Murmur3's finaliser).
        long z = (key ^ (key >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (int) ((z ^ (z >>> 33)) >>> 32);
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        Arrays.fill(slots, EMPTY);
        mask = slots.length - 1;
        for (long e : old) {
            if (e == EMPTY) continue;
            int i = (int) (e >>> 32) & mask;
            while (slots[i] != EMPTY) i = (i + 1) & mask;
            slots[i] = e;
        }
    }
}
