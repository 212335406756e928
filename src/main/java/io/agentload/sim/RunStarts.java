package io.agentload.sim;

import java.util.Arrays;

/**
 * Which of an engine's KV caches ({@link KvBlocks}) index a run starting at each hash: per hash, how many do and the
 * XOR of their numbers, so that a hash indexed by one cache names it. The router walks every replica's cache for
 * each request, and past a shared prefix each walk's next look-up would miss in all but the replica holding the
 * agent's context: one look-up here answers for all of them (open addressing, linear probing, backward-shift
 * deletion, as {@link HashIndex}).
 */
final class RunStarts {
    private long[] keys = new long[1024];
    /** Per slot: the count in the high half, the XOR of the caches' numbers in the low half; 0 for an empty slot. */
    private long[] values = new long[1024];
    private int size;
    private int mask = 1023;

    /** Cache {@code number} indexes a run starting at {@code hash}. */
    void add(long hash, int number) {
        if (3L * (size + 1) > 2L * keys.length) grow();
        int i = slot(hash);
        while (values[i] != 0 && keys[i] != hash) i = (i + 1) & mask;
        if (values[i] == 0) {
            keys[i] = hash;
            size++;
        }
        values[i] = values[i] + (1L << 32) ^ number;
    }

    /** Cache {@code number} no longer indexes a run starting at {@code hash}. */
    void remove(long hash, int number) {
        int i = slot(hash);
        while (keys[i] != hash || values[i] == 0) {
            if (values[i] == 0) throw new IllegalStateException("hash " + hash + " not counted");
            i = (i + 1) & mask;
        }
        long v = values[i] - (1L << 32) ^ number;
        if (v >>> 32 != 0) {
            values[i] = v;
            return;
        }
        size--;
        int hole = i;
        for (int j = (i + 1) & mask; values[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            // Move entry j into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = 0;
    }

    /** Whether cache {@code number} may index a run starting at {@code hash}: false only when it certainly does not. */
    boolean mayStart(long hash, int number) {
        int i = slot(hash);
        for (long v; (v = values[i]) != 0; i = (i + 1) & mask) {
            if (keys[i] == hash) return v >>> 32 != 1 || (int) v == number;
        }
        return false;
    }

    private int slot(long key) {
        // Murmur3's finaliser, as HashIndex spreads its keys.
        long z = (key ^ (key >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (int) ((z ^ (z >>> 33)) >>> 32) & mask;
    }

    private void grow() {
        long[] oldKeys = keys, oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldValues[j] == 0) continue;
            int i = slot(oldKeys[j]);
            while (values[i] != 0) i = (i + 1) & mask;
            keys[i] = oldKeys[j];
            values[i] = oldValues[j];
        }
    }
}
