package io.agentload.sim;

import org.jspecify.annotations.Nullable;

/** A request inside the engine: its progress and the KV blocks it holds (O(blocks) state, no per-token arrays). */
final class Sequence {
    final Engine.Request request;
    Replica replica;
    /** Output tokens emitted so far. */
    int generated;
    /** Leading tokens whose KV is in this sequence's blocks. */
    int computed;
    int[] blocks = BlockArrays.NONE;
    int blockCount;
    /** Leading blocks already offered to the prefix index. */
    int registeredBlocks;
    /** The run its last registered block joined, which its next registration continues (a hint, checked). */
    KvBlocks.@Nullable Run lastRun;
    int[] windowBlocks = BlockArrays.NONE;
    /** Prefix-cache hit tokens at the first admission (the {@code cached_tokens} a client sees), -1 before it. */
    int firstHits = -1;
    /** Tokens computed for this sequence by the step in flight. */
    int scheduled;
    /** Computing prompt tokens (or, after a preemption, prompt and output tokens again). */
    boolean prefilling;
    /** Prefilled on another replica; waiting here for blocks and its KV transfer. */
    boolean awaitingKv;
    double transferEnd;
    /** When it joined its replica's running order (appended to the running list), for keeping that order. */
    long order;
    /** Advanced in lockstep by its replica's {@link DecodeCohort}: its counts are kept as the offsets below. */
    boolean inCohort;
    /** Context and output minus the cohort's step counter, while in the cohort. */
    int cOff;
    int gOff;
    /** The cohort step counter at which its last token comes. */
    int finishAt;
    /** The first cohort step whose token it has not reported. */
    int tokensFrom;
    /** Counted by its cohort as shorter than the sliding window. */
    boolean belowWindow;
    /** Fraction of a token carried between speculative steps so the mean matches the expected acceptance. */
    double specCarry;

    Sequence(Engine.Request request) {
        this.request = request;
    }

    /** Tokens whose ids are known: the prompt and the output so far. */
    int tokens() {
        return request.promptTokens() + generated;
    }

    boolean done() {
        return generated >= request.outputTokens();
    }

    /** Appends a block; {@code blocks} is sized for the whole request at admission. */
    void addBlock(int id) {
        blocks[blockCount++] = id;
    }
}
