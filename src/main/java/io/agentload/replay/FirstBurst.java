package io.agentload.replay;

import java.util.List;
import java.util.PriorityQueue;

/**
 * Tells a primed trial's warm-up when the target is certainly behind its first burst, each agent's first request
 * (docs/design.md, "Mid-session starts"): when more agents than the loosest share of every tier allows have a first
 * request still running past its deadline, {@code send + ttft + (max_tokens - 1) / speed} with the longest TTFT limit
 * and the slowest speed of all tiers. Had such a request met both limits it would have ended by then, so it is out of
 * every tier whatever it does next: the burst certainly fails every tier, and its requests are late now, not only
 * queued behind the first prefills at the start, which a target within its capacity drains in seconds.
 *
 * <p>Only sends, completions and the clock are read, so both drivers see the same deadlines without reading a stream
 * while it runs. In real time a send is the pool's: when the agent was due, a little before its HTTP call when the
 * client lags.
 *
 * <p>Not thread-safe: the {@link AgentPool} calls it under its lock.
 */
final class FirstBurst {

    private record Deadline(double time, int agent) {
    }

    private final double maxTtft;
    private final double minSpeed;
    private final double minShare;
    private final int agents;
    private final boolean[] sent;
    private final boolean[] running;
    private final boolean[] overdue;
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>((a, b) -> Double.compare(a.time, b.time));
    private int overdueCount;

    /** The first burst of {@code agents} agents, judged by every one of {@code tiers}. */
    FirstBurst(List<SloTier> tiers, int agents) {
        if (tiers.isEmpty()) throw new IllegalArgumentException("no tiers");
        this.maxTtft = tiers.stream().mapToDouble(SloTier::maxTtftSeconds).max().orElseThrow();
        this.minSpeed = tiers.stream().mapToDouble(SloTier::minOutputTokensPerSecond).min().orElseThrow();
        this.minShare = tiers.stream().mapToDouble(SloTier::percentileOfAgents).min().orElseThrow();
        this.agents = agents;
        this.sent = new boolean[agents];
        this.running = new boolean[agents];
        this.overdue = new boolean[agents];
    }

    /** Agent {@code agent} sent a request at {@code time} for {@code maxTokens}: its first one, or a later one. */
    void sent(int agent, double time, int maxTokens) {
        if (sent[agent]) return;
        sent[agent] = running[agent] = true;
        double decode = maxTokens < 2 ? 0 : (maxTokens - 1) / minSpeed;
        deadlines.add(new Deadline(time + maxTtft + decode, agent));
    }

    /** Agent {@code agent}'s request in flight ended: its first one, or a later one. */
    void ended(int agent) {
        if (!running[agent]) return;
        running[agent] = false;
        if (overdue[agent]) overdueCount--;
    }

    /**
     * Whether, at {@code now}, more first requests are running past their deadlines than the loosest share of agents
     * allows.
     */
    boolean behind(double now) {
        while (!deadlines.isEmpty() && deadlines.peek().time <= now) {
            int agent = deadlines.poll().agent;
            if (running[agent]) {
                overdue[agent] = true;
                overdueCount++;
            }
        }
        return (double) (agents - overdueCount) / agents < minShare;
    }
}
