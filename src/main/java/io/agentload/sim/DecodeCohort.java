package io.agentload.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A replica's decoding sequences advanced in lockstep: the leading part of its running order in which every sequence
 * takes exactly one decode token per step. Each member keeps its offsets from the cohort's step counter instead of
 * its own counts, so a step costs O(1) plus the members it actually changes: those whose next token starts a KV
 * block (one in 16), those whose last token fills one, and those that finish. The batch aggregates {@link
 * CostModel.Load} needs are kept as sums of integers, exact in double in any order, so a step's cost is bit for bit
 * the cost of adding the members one by one. The step end times are kept in a timeline, from which a member's tokens
 * are reported when it leaves.
 *
 * <p>The replica keeps the rules; this class keeps the books. Members are listed in running order (the order they
 * joined), and every list handed out is in that order, so blocks, registrations and finishes happen in the order the
 * per-sequence path takes them.
 */
final class DecodeCohort {
    private final int window;
    private final List<Sequence> members = new ArrayList<>();
    /** Members by {@code cOff mod 16}, the phase of their position within a KV block. */
    private final List<Sequence>[] phases;
    private final int[] phaseSize = new int[KvBlocks.BLOCK_TOKENS];
    private final PriorityQueue<Sequence> finishing = new PriorityQueue<>((a, b) -> a.finishAt != b.finishAt
            ? Integer.compare(a.finishAt, b.finishAt) : Long.compare(a.order, b.order));
    /** Members whose context is still shorter than the sliding window, the soonest to outgrow it first. */
    private final PriorityQueue<Sequence> belowWindow = new PriorityQueue<>((a, b) -> Integer.compare(b.cOff, a.cOff));
    private int size;
    /** Members that left but are still listed in {@code members}. */
    private int left;
    private long offsetSum;
    private int belowCount;
    private long belowOffsetSum;
    /** Lockstep steps completed: a member's context is {@code step + cOff}, its output {@code step + gOff}. */
    private int step;
    /** End time of lockstep step {@code base + i} at {@code ends[i]}, from the oldest step a member has not reported. */
    private double[] ends = new double[64];
    private int base;
    private int endCount;

    @SuppressWarnings("unchecked")
    DecodeCohort(int window) {
        this.window = window;
        phases = new List[KvBlocks.BLOCK_TOKENS];
        for (int i = 0; i < phases.length; i++) phases[i] = new ArrayList<>();
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The member serving {@code request}, or null. */
    Sequence find(Engine.Request request) {
        for (Sequence s : members) if (s.inCohort && s.request == request) return s;
        return null;
    }

    /** Takes in a decoding sequence whose blocks end where its context ends; it must come after every member. */
    void join(Sequence s) {
        s.inCohort = true;
        s.cOff = s.computed - step;
        s.gOff = s.generated - step;
        s.finishAt = step + (s.request.outputTokens() - s.generated);
        s.tokensFrom = step;
        members.add(s);
        phases[s.cOff & (KvBlocks.BLOCK_TOKENS - 1)].add(s);
        phaseSize[s.cOff & (KvBlocks.BLOCK_TOKENS - 1)]++;
        finishing.add(s);
        size++;
        offsetSum += s.cOff;
        if (window > 0 && s.computed < window) {
            s.belowWindow = true;
            belowWindow.add(s);
            belowCount++;
            belowOffsetSum += s.cOff;
        }
    }

    /** Takes a member out (finished or cancelled), leaving its own counts current. */
    void leave(Sequence s) {
        settle(s);
        s.inCohort = false;
        size--;
        // Drop the ones that left once they outnumber the rest, so finished requests are not held for long.
        if (++left > size + 64) {
            members.removeIf(m -> !m.inCohort);
            left = 0;
        }
        offsetSum -= s.cOff;
        phaseSize[s.cOff & (KvBlocks.BLOCK_TOKENS - 1)]--;
        if (s.belowWindow) {
            s.belowWindow = false;
            belowCount--;
            belowOffsetSum -= s.cOff;
        }
    }

    /** Sets a member's own counts to where the cohort's step counter has brought them. */
    void settle(Sequence s) {
        s.computed = step + s.cOff;
        s.generated = step + s.gOff;
    }

    /** Members needing a new block for the next step's token (their context is a whole number of blocks). */
    int blocksNeeded() {
        return phaseSize[-step & (KvBlocks.BLOCK_TOKENS - 1)];
    }

    /** Those members, in running order. */
    List<Sequence> needingBlocks() {
        return live(-step & (KvBlocks.BLOCK_TOKENS - 1));
    }

    /** Adds the next step's decode tokens to {@code load}: one per member after its context. */
    void addTo(CostModel.Load load) {
        if (window > 0) {
            while (!belowWindow.isEmpty()) {
                Sequence s = belowWindow.peek();
                if (s.belowWindow && step + s.cOff < window) break;
                belowWindow.poll();
                if (s.belowWindow) {
                    s.belowWindow = false;
                    belowCount--;
                    belowOffsetSum -= s.cOff;
                }
            }
        }
        long offsets = (long) size * step + offsetSum;
        long below = (long) belowCount * step + belowOffsetSum;
        load.addDecodes(size, offsets, belowCount, below);
    }

    /**
     * Ends the step in flight at {@code time}: the step counter advances and the members whose last token filled a
     * block are returned (in running order); {@link #finishing()} then gives those that finished.
     */
    List<Sequence> completeStep(double time) {
        if (endCount == ends.length) trim();
        ends[endCount++] = time;
        step++;
        return live(-step & (KvBlocks.BLOCK_TOKENS - 1));
    }

    /** Members whose last token came with the step just completed, in running order (taken off the queue). */
    List<Sequence> finishing() {
        List<Sequence> out = new ArrayList<>();
        while (!finishing.isEmpty() && (!finishing.peek().inCohort || finishing.peek().finishAt <= step)) {
            Sequence s = finishing.poll();
            if (s.inCohort) out.add(s);
        }
        return out;
    }

    /** Reports a member's tokens since it joined or last reported, one at each lockstep step's end. */
    void reportTokens(Sequence s, Engine.Listener listener) {
        int from = s.tokensFrom - base, to = step - base;
        s.tokensFrom = step;
        if (from == to) return;
        if (listener instanceof Engine.BulkListener bulk) {
            bulk.tokens(s.request, ends, from, to);
        } else {
            for (int i = from; i < to; i++) listener.tokens(s.request, 1, ends[i]);
        }
    }

    /** Reports every member's pending tokens. */
    void reportTokens(Engine.Listener listener) {
        for (Sequence s : members) if (s.inCohort) reportTokens(s, listener);
    }

    /**
     * Ends lockstep: every member's counts are settled, its tokens reported, and the members (in running order) are
     * returned to the replica, which steps them one by one again.
     */
    List<Sequence> dissolve(Engine.Listener listener) {
        List<Sequence> out = new ArrayList<>(size);
        for (Sequence s : members) {
            if (!s.inCohort) continue;
            settle(s);
            reportTokens(s, listener);
            s.inCohort = false;
            s.belowWindow = false;
            out.add(s);
        }
        members.clear();
        for (List<Sequence> p : phases) p.clear();
        Arrays.fill(phaseSize, 0);
        finishing.clear();
        belowWindow.clear();
        size = left = 0;
        offsetSum = belowOffsetSum = 0;
        belowCount = 0;
        base = step;
        endCount = 0;
        return out;
    }

    /** The live members of a phase, in order; drops the dead from it on the way. */
    private List<Sequence> live(int phase) {
        List<Sequence> p = phases[phase];
        if (p.size() != phaseSize[phase]) p.removeIf(s -> !s.inCohort);
        return p;
    }

    /** Drops the step ends no member still has to report, or makes room for more. */
    private void trim() {
        members.removeIf(s -> !s.inCohort);
        left = 0;
        int oldest = step;
        for (Sequence s : members) oldest = Math.min(oldest, s.tokensFrom);
        int drop = oldest - base;
        if (endCount - drop > ends.length / 2) ends = Arrays.copyOf(ends, ends.length * 2);
        System.arraycopy(ends, drop, ends, 0, endCount - drop);
        endCount -= drop;
        base = oldest;
    }
}
