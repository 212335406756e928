package io.agentload.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The attention data-parallel ranks of one worker (docs/simulator.md, "The model, step by step"). Each rank is a
 * {@link Replica} with its own queue, its own KV cache (its share of the worker's blocks) and its own limits (the
 * worker's divided among the ranks, as SGLang divides {@code --chunked-prefill-size} and
 * {@code --max-running-requests} by {@code dp_size}; TensorRT-LLM's {@code max_batch_size} and {@code max_num_tokens}
 * are per rank instead, so a layout that follows TensorRT-LLM states its worker's limits as the per-rank ones times
 * the ranks); requests are routed to ranks. The ranks step together, since every MoE
 * layer gathers all ranks' tokens: a rank with no work runs an empty batch (SGLang's idle batch), and the step lasts
 * as long as the slowest rank's attention, then the experts over every rank's tokens (TensorRT-LLM tech blog 10,
 * "ADP Balance Strategy": "the iteration time is dominated by the slowest rank"). So one rank's long prefill holds
 * the others' decodes.
 */
final class AttentionRanks {
    private final List<Replica> ranks = new ArrayList<>();
    private final List<CostModel.Load> loads = new ArrayList<>();
    private final CostModel cost;
    private final CostModel.Load empty;
    private final Tally tally;
    private final int size;
    private boolean planning;

    private AttentionRanks(int size, CostModel cost, Tally tally) {
        this.size = size;
        this.cost = cost;
        this.empty = cost.newLoad();
        this.tally = tally;
    }

    /**
     * One worker of {@code config}'s layout: one replica, or with attention data parallelism one replica per rank,
     * stepping together.
     */
    static List<Replica> worker(Replica.Role role, EngineConfig config, CostModel cost, Tally tally) {
        int dp = config.layout().attentionDataParallel();
        if (dp == 1) return List.of(new Replica(role, config, cost, tally));
        AttentionRanks group = new AttentionRanks(dp, cost, tally);
        for (int i = 0; i < dp; i++) group.ranks.add(new Replica(role, config, cost, tally, group));
        return List.copyOf(group.ranks);
    }

    /** Ranks of the worker. */
    int size() {
        return size;
    }

    /** Whether the group is planning its ranks' next step (a rank then plans its own batch). */
    boolean planning() {
        return planning;
    }

    /** The rank that plans for the group, so that an idle group is planned once per engine step. */
    boolean leads(Replica rank) {
        return ranks.get(0) == rank;
    }

    /**
     * Plans every rank's batch and, if any rank has work, starts one step on all of them, costed as the slowest rank's
     * attention plus the experts over all ranks' tokens. Returns whether a step started.
     */
    boolean plan(double now, Engine.Listener listener, boolean lockstep) {
        planning = true;
        loads.clear();
        boolean any = false;
        try {
            for (Replica r : ranks) {
                boolean work = r.plan(now, listener, lockstep);
                loads.add(work ? r.stepLoad() : empty);
                any |= work;
            }
        } finally {
            planning = false;
        }
        if (!any) return false;
        CostModel.StepCost step = cost.estimate(loads);
        for (Replica r : ranks) r.start(step, now);
        tally.steps++;
        return true;
    }
}
