package io.agentload.sim;

import org.jspecify.annotations.Nullable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One serving instance (a vLLM engine on {@code tensorParallel} GPUs): a waiting queue, the running sequences, its KV
 * blocks and at most one step in flight. Its scheduler follows vLLM v1: running sequences first, in order, each
 * taking one decode step or its next prefill chunk from the token budget; when blocks run out the newest running
 * sequence is preempted (its blocks freed, recomputed later); new sequences are admitted only in a step without
 * preemption, while budget, sequence slots and blocks last.
 *
 * <p>In lockstep mode (a {@link Engine.BulkListener}, no speculation) the decoding sequences at the head of the
 * running order are kept by a {@link DecodeCohort} and stepped together: a step that can give each of them its token
 * and its block, as it can unless the budget or the blocks run short, costs O(1) plus the few it changes. When one
 * cannot, the cohort is dissolved first and the step is planned sequence by sequence, exactly as without it;
 * decoding sequences rejoin at the end of the step. {@code running} holds the sequences after the cohort.
 *
 * <p>With attention data parallelism a worker is several replicas, its ranks ({@link AttentionRanks}), each with its
 * share of the worker's blocks, limits and GPUs, that plan their batches separately and step together.
 */
final class Replica {
    enum Role { MIXED, PREFILL, DECODE }

    final Role role;
    final KvBlocks blocks;
    private final EngineConfig config;
    private final CostModel cost;
    private final CostModel.Load load;
    private final Tally tally;
    private final int windowBlocks;
    /** The worker's ranks this replica is one of, or {@code null} for a whole worker. */
    private final @Nullable AttentionRanks ranks;
    private final int maxTokens;
    private final int maxSequences;
    private final int gpus;
    private final double linkBytesPerSecond;
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final ArrayList<Sequence> running = new ArrayList<>();
    private final ArrayList<Sequence> batch = new ArrayList<>();
    private final ArrayList<Sequence> transfers = new ArrayList<>();
    private final DecodeCohort cohort;
    private final BlockArrays arrays = new BlockArrays();
    /** The step in flight advances the cohort. */
    private boolean cohortStep;
    private long appended;
    private double linkFreeAt;
    private boolean busy;
    private double stepEnd;
    private CostModel.StepCost stepCost;
    private double accountedUntil;

    Replica(Role role, EngineConfig config, CostModel cost, Tally tally) {
        this(role, config, cost, tally, null);
    }

    /** One of a worker's {@code ranks}: its share of the worker's KV blocks, limits, GPUs and KV link. */
    Replica(Role role, EngineConfig config, CostModel cost, Tally tally, @Nullable AttentionRanks ranks) {
        this.role = role;
        this.config = config;
        this.cost = cost;
        this.load = cost.newLoad();
        this.tally = tally;
        this.ranks = ranks;
        int n = ranks == null ? 1 : ranks.size();
        this.blocks = new KvBlocks(config.kvBlocksPerReplica() / n);
        this.maxTokens = Math.max(KvBlocks.BLOCK_TOKENS, config.maxBatchTokens() / n);
        this.maxSequences = Math.max(1, config.maxRunningSequences() / n);
        this.gpus = config.tensorParallel() / n;
        this.linkBytesPerSecond = config.disaggregation() == null ? 0 : config.disaggregation().transferBytesPerSecond() / n;
        this.windowBlocks = windowBlocks(config.model());
        this.cohort = new DecodeCohort(load.threshold());
    }

    /** Blocks a sequence holds for its sliding-window layers, in units of full-attention blocks. */
    static int windowBlocks(ModelProfile m) {
        if (m.compressedAttention()) return AttentionCost.windowBlocks(m);
        if (m.slidingWindowLayers() == 0) return 0;
        double tokens = m.slidingWindow() + KvBlocks.BLOCK_TOKENS;
        return (int) Math.ceil(tokens * m.slidingWindowLayers() / m.fullAttentionLayers() / KvBlocks.BLOCK_TOKENS);
    }

    /** Blocks a request needs at its longest: its whole prompt and output plus its sliding-window blocks. */
    int blocksNeeded(Engine.Request r) {
        return blocksFor(r.promptTokens() + r.outputTokens()) + windowBlocks;
    }

    static int blocksFor(int tokens) {
        return (tokens + KvBlocks.BLOCK_TOKENS - 1) / KvBlocks.BLOCK_TOKENS;
    }

    void enqueue(Sequence s) {
        s.replica = this;
        waiting.addLast(s);
    }

    /** Caches the first {@code tokens} of {@code r}'s prompt without cost ({@link KvBlocks#prime}); blocks cached. */
    int prime(Engine.Request r, int tokens) {
        if (!config.prefixCaching()) return 0;
        return blocks.prime(r.blockHashes(), Math.min(tokens, r.promptTokens() - 1) / KvBlocks.BLOCK_TOKENS);
    }

    /** Sequences queued, running or receiving KV here: the router's load figure. */
    int load() {
        return waiting.size() + running() + transfers.size();
    }

    /** Replicas of its worker: its attention ranks, or 1. */
    int ranks() {
        return ranks == null ? 1 : ranks.size();
    }

    /** GPUs of this worker. */
    int gpus() {
        return gpus;
    }

    int running() {
        return cohort.size() + running.size();
    }

    int waiting() {
        return waiting.size() + transfers.size();
    }

    boolean busy() {
        return busy;
    }

    double activity() {
        return busy ? stepCost.activity() : 0;
    }

    double watts() {
        return busy ? stepCost.gpuWatts() : cost.idleWatts();
    }

    /** The earliest step end or transfer end, or +infinity. */
    double nextEvent() {
        double t = busy ? stepEnd : Double.POSITIVE_INFINITY;
        for (int i = 0; i < transfers.size(); i++) t = Math.min(t, transfers.get(i).transferEnd);
        return t;
    }

    /**
     * Energy of this replica's GPUs and their activity-seconds (for the rest of the system's power) from the last
     * account to {@code now}: the step's power until its end, idle after it; added {@code ranks} times over for a
     * worker's first rank, whose ranks step together (the other ranks are not accounted themselves).
     */
    void account(double now, double[] joulesAndActivity, int ranks) {
        double from = accountedUntil;
        if (now <= from) return;
        double busyUntil = busy ? Math.min(now, stepEnd) : from;
        double busySeconds = Math.max(0, busyUntil - from);
        double perGpu = busySeconds * (busy ? stepCost.gpuWatts() : 0) + (now - from - busySeconds) * cost.idleWatts();
        double joules = perGpu * gpus, activitySeconds = busySeconds * (busy ? stepCost.activity() : 0) * gpus;
        for (int i = 0; i < ranks; i++) {
            joulesAndActivity[0] += joules;
            joulesAndActivity[1] += activitySeconds;
        }
        accountedUntil = now;
    }

    /** Completes whatever is due at or before {@code now}, earliest first; returns whether anything was. */
    boolean completeDue(double now, Engine engine, Engine.Listener listener, boolean lockstep) {
        double t = nextEvent();
        if (t > now) return false;
        if (busy && stepEnd == t) {
            completeStep(engine, listener, lockstep);
        } else {
            for (Sequence s : transfers) {
                if (s.transferEnd == t) {
                    transfers.remove(s);
                    completeTransfer(s, listener);
                    break;
                }
            }
        }
        return true;
    }

    /**
     * Drops the sequence of {@code request} if it is here: out of the queue, the running set, the step in flight
     * (whose cost stands) or the KV link, with every block it holds released.
     */
    boolean cancel(Engine.Request request) {
        Sequence s = find(request);
        if (s == null) return false;
        cancel(s);
        return true;
    }

    /** Drops a sequence that is here, as {@link #cancel(Engine.Request)} does. */
    void cancel(Sequence s) {
        if (s.inCohort) cohort.leave(s);
        waiting.remove(s);
        running.remove(s);
        batch.remove(s);
        transfers.remove(s);
        releaseAll(s);
        retire(s);
    }

    /** A sequence gone from the engine gives back its block array. */
    private void retire(Sequence s) {
        arrays.give(s.blocks);
        s.blocks = BlockArrays.NONE;
    }

    /** Reports the tokens the cohort holds back. */
    void reportTokens(Engine.Listener listener) {
        cohort.reportTokens(listener);
    }

    private Sequence find(Engine.Request request) {
        Sequence c = cohort.find(request);
        if (c != null) return c;
        for (Sequence s : running) if (s.request == request) return s;
        for (Sequence s : waiting) if (s.request == request) return s;
        for (Sequence s : transfers) if (s.request == request) return s;
        return null;
    }

    /**
     * Plans a step at {@code now} if idle and there is work; returns whether a step started. Without {@code lockstep}
     * every sequence is stepped on its own.
     */
    boolean plan(double now, Engine.Listener listener, boolean lockstep) {
        if (busy) return false;
        if (ranks != null && !ranks.planning()) return ranks.leads(this) && ranks.plan(now, listener, lockstep);
        int budget = maxTokens;
        int speculative = config.speculation().draftTokens();
        boolean preempted = false;
        if (!cohort.isEmpty() && !(lockstep && budget >= cohort.size() && blocks.available() >= cohort.blocksNeeded())) {
            running.addAll(0, cohort.dissolve(listener));
        }
        cohortStep = !cohort.isEmpty();
        if (cohortStep) {
            // The cohort leads the running order: its blocks are taken first, in its order, as sequence by sequence.
            for (Sequence s : cohort.needingBlocks()) s.addBlock(blocks.allocate());
            budget -= cohort.size();
        }
        for (int i = 0; i < running.size(); i++) {
            Sequence s = running.get(i);
            int n = s.prefilling ? Math.min(s.tokens() - s.computed, budget) : 1 + speculative;
            if (n <= 0 || n > budget) continue;
            boolean selfPreempted = false;
            while (!reserve(s, s.computed + n)) {
                Sequence victim = running.remove(running.size() - 1);
                preempt(victim, now, listener);
                preempted = true;
                if (victim == s) {
                    selfPreempted = true;
                    break;
                }
            }
            if (selfPreempted) break;
            schedule(s, n);
            budget -= n;
        }
        while (!preempted && budget > 0 && running() + transfers.size() < maxSequences
                && !waiting.isEmpty()) {
            Sequence s = waiting.peekFirst();
            if (s.awaitingKv ? !startTransfer(s, now) : !admit(s, budget)) break;
            waiting.pollFirst();
            if (!s.awaitingKv) {
                append(s);
                budget -= s.scheduled;
            }
        }
        if (batch.isEmpty() && !cohortStep) return false;
        load.clear();
        if (cohortStep) cohort.addTo(load);
        for (Sequence s : batch) load.add(s.computed, s.scheduled, !s.prefilling);
        if (ranks != null) return true;
        start(cost.estimate(load), now);
        tally.steps++;
        return true;
    }

    /** The batch shape of the step just planned. */
    CostModel.Load stepLoad() {
        return load;
    }

    /** Starts the planned step (for a rank, its worker's joint step) at {@code now}. */
    void start(CostModel.StepCost step, double now) {
        stepCost = step;
        stepEnd = now + step.seconds();
        busy = true;
    }

    private void append(Sequence s) {
        s.order = appended++;
        running.add(s);
    }

    private void schedule(Sequence s, int n) {
        s.scheduled = n;
        batch.add(s);
    }

    /** Admits a waiting sequence: prefix-cache hits, then blocks for its first chunk; false (untouched) if none fit. */
    private boolean admit(Sequence s, int budget) {
        int total = s.tokens();
        long[] chain = s.request.blockHashes();
        int hitBlocks = 0;
        sizeBlocks(s);
        if (config.prefixCaching()) {
            // At least the last token is computed, so a fully cached prompt still yields logits (as vLLM does).
            hitBlocks = blocks.acquirePrefix(chain, (total - 1) / KvBlocks.BLOCK_TOKENS, s.blocks);
            s.blockCount = hitBlocks;
        }
        int hitTokens = hitBlocks * KvBlocks.BLOCK_TOKENS;
        int n = Math.min(total - hitTokens, budget);
        int need = blocksFor(hitTokens + n) - hitBlocks + windowBlocks;
        if (blocks.available() < need) {
            releaseAll(s);
            return false;
        }
        allocateWindow(s);
        s.computed = hitTokens;
        s.registeredBlocks = hitBlocks;
        reserve(s, hitTokens + n);
        if (s.firstHits < 0) s.firstHits = hitTokens;
        tally.cacheHitTokens += hitTokens;
        s.prefilling = true;
        schedule(s, n);
        return true;
    }

    /**
     * Sizes a sequence's block array once, so it never grows while it runs: its whole prompt and output, plus the
     * draft tokens its last speculative step reserves beyond them.
     */
    private void sizeBlocks(Sequence s) {
        int most = blocksFor(s.request.promptTokens() + s.request.outputTokens() + config.speculation().draftTokens());
        if (s.blocks.length < most) s.blocks = arrays.take(most);
    }

    /** Gives a sequence blocks for its first {@code tokens} tokens; false (nothing taken) if too few are free. */
    private boolean reserve(Sequence s, int tokens) {
        int need = blocksFor(tokens) - s.blockCount;
        if (need <= 0) return true;
        if (blocks.available() < need) return false;
        for (int i = 0; i < need; i++) s.addBlock(blocks.allocate());
        return true;
    }

    private void allocateWindow(Sequence s) {
        s.windowBlocks = windowBlocks == 0 ? BlockArrays.NONE : new int[windowBlocks];
        for (int i = 0; i < windowBlocks; i++) s.windowBlocks[i] = blocks.allocate();
    }

    /** Frees a sequence's blocks, last first, so its prefix outlives its tail in the LRU order (as vLLM frees). */
    private void releaseAll(Sequence s) {
        blocks.releaseAll(s.blocks, s.blockCount);
        blocks.releaseAll(s.windowBlocks, s.windowBlocks.length);
        s.blockCount = 0;
        s.windowBlocks = BlockArrays.NONE;
        s.registeredBlocks = 0;
        s.lastRun = null;
        s.computed = 0;
    }

    /** Recompute preemption: the sequence loses its blocks and goes back to the front of the queue. */
    private void preempt(Sequence s, double now, Engine.Listener listener) {
        releaseAll(s);
        s.prefilling = false;
        waiting.addFirst(s);
        tally.preemptions++;
        listener.preempted(s.request, now);
    }

    /** A sequence prefilled elsewhere: blocks for its prompt (decode-side cache hits are not sent), then the link. */
    private boolean startTransfer(Sequence s, double now) {
        int prompt = s.request.promptTokens();
        long[] chain = s.request.blockHashes();
        int hitBlocks = 0;
        sizeBlocks(s);
        if (config.prefixCaching()) {
            hitBlocks = blocks.acquirePrefix(chain, prompt / KvBlocks.BLOCK_TOKENS, s.blocks);
            s.blockCount = hitBlocks;
        }
        int need = blocksFor(prompt + 1) - hitBlocks + windowBlocks;
        if (blocks.available() < need) {
            releaseAll(s);
            return false;
        }
        allocateWindow(s);
        s.registeredBlocks = hitBlocks;
        reserve(s, prompt + 1);
        s.computed = prompt;
        ModelProfile m = config.model();
        double bytes = m.kvBytesPerTokenPerLayer() * ((prompt - hitBlocks * KvBlocks.BLOCK_TOKENS) * m.fullAttentionLayers()
                + Math.min(prompt, m.slidingWindow()) * m.slidingWindowLayers());
        double start = Math.max(now, linkFreeAt);
        s.transferEnd = start + bytes / linkBytesPerSecond;
        linkFreeAt = s.transferEnd;
        tally.transferredBytes += bytes;
        transfers.add(s);
        return true;
    }

    private void completeTransfer(Sequence s, Engine.Listener listener) {
        s.awaitingKv = false;
        register(s);
        emit(s, 1, s.transferEnd, listener);
        if (s.done()) finish(s, s.transferEnd, listener); else append(s);
    }

    private void completeStep(Engine engine, Engine.Listener listener, boolean lockstep) {
        busy = false;
        double time = stepEnd;
        double perStep = config.speculation().tokensPerStep();
        boolean anyFinished = false;
        List<Sequence> cohortFinished = cohortStep ? completeCohortStep(time, listener) : List.of();
        cohortStep = false;
        for (Sequence s : batch) {
            int n = s.scheduled;
            s.scheduled = 0;
            if (s.prefilling) {
                s.computed += n;
                tally.prefilledTokens += n;
                register(s);
                if (s.computed < s.tokens()) continue;
                s.prefilling = false;
                if (role == Role.PREFILL) {
                    releaseAll(s);
                    running.remove(s);
                    s.awaitingKv = true;
                    engine.handOff(s);
                    continue;
                }
                emit(s, 1, time, listener);
            } else {
                int accepted = 1;
                if (perStep > 1) {
                    double due = s.specCarry + perStep;
                    accepted = (int) due;
                    s.specCarry = due - accepted;
                }
                accepted = Math.min(accepted, s.request.outputTokens() - s.generated);
                s.computed += accepted;
                register(s);
                emit(s, accepted, time, listener);
            }
            if (s.done()) {
                finish(s, time, listener);
                anyFinished = true;
            }
        }
        batch.clear();
        if (anyFinished) running.removeIf(Sequence::done);
        for (Sequence s : cohortFinished) cohort.leave(s);
        if (lockstep && config.speculation().draftTokens() == 0) joinCohort();
    }

    /**
     * The cohort's part of a step, in running order as the per-sequence path takes it: each member's token, the
     * blocks its last token filled offered to the prefix index, and the members that finished; returns those, which
     * stay counted as running until the step is complete.
     */
    private List<Sequence> completeCohortStep(double time, Engine.Listener listener) {
        tally.outputTokens += cohort.size();
        List<Sequence> filled = cohort.completeStep(time);
        List<Sequence> finished = cohort.finishing();
        int f = 0;
        for (Sequence s : filled) {
            while (f < finished.size() && finished.get(f).order < s.order) {
                finishCohortMember(finished.get(f++), time, listener);
            }
            cohort.settle(s);
            register(s);
        }
        while (f < finished.size()) finishCohortMember(finished.get(f++), time, listener);
        return finished;
    }

    private void finishCohortMember(Sequence s, double time, Engine.Listener listener) {
        cohort.settle(s);
        cohort.reportTokens(s, listener);
        finish(s, time, listener);
    }

    /** Moves the decoding sequences at the head of the running order into the cohort, in order. */
    private void joinCohort() {
        int n = 0;
        while (n < running.size()) {
            Sequence s = running.get(n);
            if (s.prefilling || s.done() || s.blockCount != blocksFor(s.computed)) break;
            cohort.join(s);
            n++;
        }
        if (n > 0) running.subList(0, n).clear();
    }

    private void emit(Sequence s, int count, double time, Engine.Listener listener) {
        s.generated += count;
        tally.outputTokens += count;
        listener.tokens(s.request, count, time);
    }

    private void finish(Sequence s, double time, Engine.Listener listener) {
        releaseAll(s);
        retire(s);
        tally.finished++;
        tally.left(s);
        listener.finished(s.request, new Engine.Usage(s.request.promptTokens(), Math.max(0, s.firstHits),
                s.request.outputTokens()), time);
    }

    /** Offers a sequence's newly full blocks to the prefix index (only blocks whose hashes the caller gave). */
    private void register(Sequence s) {
        if (!config.prefixCaching()) return;
        long[] chain = s.request.blockHashes();
        int full = Math.min(Math.min(s.computed / KvBlocks.BLOCK_TOKENS, chain.length), s.blockCount);
        if (full > s.registeredBlocks) s.lastRun = blocks.register(s.blocks, s.registeredBlocks, full, chain, s.lastRun);
        s.registeredBlocks = Math.max(s.registeredBlocks, full);
    }
}
