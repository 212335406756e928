package io.agentload.sim;

import java.util.Arrays;

/**
 * Block hash to block id, open addressing with linear probing and backward-shift deletion: no boxing, one long and
 * one int per slot, so a cache of millions of blocks stays small.
 */
final class HashIndex {
    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    HashIndex() {
        keys = new long[1024];
        values = new int[1024];
        Arrays.fill(values, -1);
        mask = 1023;
    }

    int size() {
        return size;
    }

    /** The id stored for {@code key}, or -1. */
    int get(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v < 0) return -1;
            if (keys[i] == key) return v;
        }
    }

    /** Stores {@code id} under {@code key} unless the key is present; returns whether it stored. */
    boolean putIfAbsent(long key, int id) {
        if (2 * (size + 1) > values.length) grow();
        int i = slot(key);
        while (values[i] >= 0) {
            if (keys[i] == key) return false;
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = id;
        size++;
        return true;
    }

    /** Removes {@code key}, shifting later entries of its probe run back so lookups still find them. */
    void remove(long key) {
        int i = slot(key);
        while (values[i] >= 0 && keys[i] != key) i = (i + 1) & mask;
        if (values[i] < 0) return;
        size--;
        int hole = i;
        for (int j = (i + 1) & mask; values[j] >= 0; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            // Move entry j into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = -1;
    }

    private int slot(long key) {
        // Caller hashes may be small sequential ids (Mooncake traces): spread them (Murmur3's finaliser).
        long z = (key ^ (key >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (int) ((z ^ (z >>> 33)) & mask);
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldValues.length * 2];
        Arrays.fill(values, -1);
        mask = values.length - 1;
        size = 0;
        for (int i = 0; i < oldValues.length; i++) {
            if (oldValues[i] >= 0) putIfAbsent(oldKeys[i], oldValues[i]);
        }
    }
}
