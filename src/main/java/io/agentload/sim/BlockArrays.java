package io.agentload.sim;

import java.util.ArrayDeque;

/**
 * Block-id arrays of finished sequences kept for the next admissions, by power-of-two length. A sequence's array is
 * sized for its whole request (a few KB at agentic contexts) and lives as long as the request, long enough to be
 * copied by a young collection or two; reused, the arrays stay put in the old generation. A replica keeps at most
 * as many as it ever ran sequences at once.
 */
final class BlockArrays {
    static final int[] NONE = new int[0];

    @SuppressWarnings("unchecked")
    private final ArrayDeque<int[]>[] spare = new ArrayDeque[32];

    /** An array of at least {@code length} ids (its contents are stale). */
    int[] take(int length) {
        int size = Integer.SIZE - Integer.numberOfLeadingZeros(Math.max(1, length) - 1);
        ArrayDeque<int[]> kept = spare[size];
        return kept == null || kept.isEmpty() ? new int[1 << size] : kept.pop();
    }

    /** Takes back an array from {@link #take} that no sequence uses any more. */
    void give(int[] ids) {
        if (ids.length == 0) return;
        int size = Integer.numberOfTrailingZeros(ids.length);
        if (spare[size] == null) spare[size] = new ArrayDeque<>();
        spare[size].push(ids);
    }
}
