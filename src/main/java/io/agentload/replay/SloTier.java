package io.agentload.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A service level that an agent either gets or not: a minimum per-agent output speed, a maximum TTFT, and the share
 * of agents that must meet both for a trial to pass (docs/design.md, "Tiers and the SLO search").
 *
 * <p>How an agent is judged (see {@link TrialMetrics}): its output speed is token-weighted over its requests in the
 * measurement window, and its TTFT is the 90th percentile of its requests' TTFTs in the window. The 90th percentile
 * rather than every request because an agent's window holds few requests and one of them may legitimately prefill a
 * whole cold 100K-token context (a session's first turn, a turn after compaction); rather than the median because
 * an agent that waits too long on one request in ten is not served well. Artificial Analysis does not publish its
 * rule (docs/published-figures.md).
 *
 * <p>Known tiers span 20 to 180 tok/s like AA-AgentPerf's, and the three searched by default are 20, 60 and 100 tok/s;
 * their TTFT limits follow MLPerf Inference's server
 * scenario, where faster output comes with tighter TTFT (docs/published-figures.md, "Latency limits others use"): 20 tok/s takes
 * the most lenient limit MLPerf sets, 6 s (llama3.1-405b, whose 128K-token contexts resemble agentic prompts of up
 * to 131K tokens); 100 tok/s takes MLPerf's standard 2 s (llama2-70b, llama3.1-8b, deepseek-r1; also Vidur's P90
 * TTFT &lt; 2 s); 140 tok/s takes deepseek-r1's interactive 1.5 s; 180 tok/s, faster than any MLPerf interactive
 * TPOT, takes 1 s; 60 tok/s sits between at 3 s.
 *
 * @param minOutputTokensPerSecond the slowest per-agent output speed that passes, tok/s
 * @param maxTtftSeconds           the longest per-agent (90th percentile) TTFT that passes, seconds
 * @param percentileOfAgents       the share of agents that must pass for the trial to pass, in (0, 1]
 */
public record SloTier(double minOutputTokensPerSecond, double maxTtftSeconds, double percentileOfAgents) {

    /** The share of agents that must pass, unless a tier says otherwise. */
    public static final double DEFAULT_PERCENTILE_OF_AGENTS = 0.9;

    /** Every tier known by its speed alone, as {@link #parse} takes it. */
    private static final List<SloTier> KNOWN = List.of(
            new SloTier(20, 6), new SloTier(60, 3), new SloTier(100, 2), new SloTier(140, 1.5), new SloTier(180, 1));
    private static final List<SloTier> DEFAULTS = KNOWN.subList(0, 3);
    private static final SloTier AA = new SloTier(20, 10);

    public SloTier {
        if (!(minOutputTokensPerSecond >= 0) || Double.isInfinite(minOutputTokensPerSecond)) {
            throw new IllegalArgumentException("tier minimum output speed " + minOutputTokensPerSecond + " tok/s");
        }
        if (!(maxTtftSeconds > 0)) throw new IllegalArgumentException("tier maximum TTFT " + maxTtftSeconds + " s");
        if (!(percentileOfAgents > 0 && percentileOfAgents <= 1)) {
            throw new IllegalArgumentException("tier percentile of agents " + percentileOfAgents + " is not in (0, 1]");
        }
    }

    /** A tier that 90% of agents must meet. */
    public SloTier(double minOutputTokensPerSecond, double maxTtftSeconds) {
        this(minOutputTokensPerSecond, maxTtftSeconds, DEFAULT_PERCENTILE_OF_AGENTS);
    }

    /**
     * The tiers that {@link Simulation}, {@link Replay} and {@code agentload bench} search unless told otherwise:
     * 20, 60 and 100 tok/s with TTFT at most 6, 3 and 2 s. 140 and 180 tok/s (TTFT 1.5 and 1 s) are known to
     * {@link #parse} too.
     */
    public static List<SloTier> defaults() {
        return DEFAULTS;
    }

    /**
     * AA-AgentPerf's entry tier as Artificial Analysis' launch post gives it: 20 tok/s per agent with TTFT at most
     * 10 s. AA does not publish the share of agents that must meet it, so it is our default,
     * {@value #DEFAULT_PERCENTILE_OF_AGENTS} (docs/published-figures.md).
     */
    public static SloTier aa() {
        return AA;
    }

    /**
     * Tiers from a comma-separated list such as {@code 20,60,100} (default tiers picked by speed),
     * {@code 30:4} (30 tok/s, TTFT at most 4 s), {@code 60:3:0.95} (and 95% of agents) or {@code aa}
     * ({@link #aa()}).
     */
    public static List<SloTier> parse(String spec) {
        List<SloTier> tiers = new ArrayList<>();
        for (String item : spec.split(",")) {
            String s = item.trim();
            if (s.isEmpty()) continue;
            if (s.equalsIgnoreCase("aa")) {
                tiers.add(AA);
                continue;
            }
            String[] parts = s.split(":");
            try {
                if (parts.length > 3) throw new IllegalArgumentException("too many ':'");
                double speed = Double.parseDouble(parts[0]);
                if (parts.length == 1) {
                    tiers.add(KNOWN.stream().filter(t -> t.minOutputTokensPerSecond() == speed).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("no default tier at " + parts[0]
                                    + " tok/s; write SPEED:MAX_TTFT_S (known: " + spec(KNOWN) + ")")));
                } else {
                    double p = parts.length == 3 ? Double.parseDouble(parts[2]) : DEFAULT_PERCENTILE_OF_AGENTS;
                    tiers.add(new SloTier(speed, Double.parseDouble(parts[1]), p));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tier '" + s + "' in '" + spec + "': " + e.getMessage(), e);
            }
        }
        if (tiers.isEmpty()) throw new IllegalArgumentException("no tiers in '" + spec + "'");
        return List.copyOf(tiers);
    }

    /** A copy with another share of agents that must pass. */
    public SloTier withPercentileOfAgents(double share) {
        return new SloTier(minOutputTokensPerSecond, maxTtftSeconds, share);
    }

    /** A short name: {@code 60 tok/s, TTFT ≤ 3 s, 90% of agents}. */
    public String label() {
        return number(minOutputTokensPerSecond) + " tok/s, TTFT \u2264 " + number(maxTtftSeconds) + " s, "
                + number(percentileOfAgents * 100) + "% of agents";
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    /** The tiers as {@link #parse} reads them: {@code 20:6,60:3}. */
    static String spec(List<SloTier> tiers) {
        return tiers.stream().map(t -> number(t.minOutputTokensPerSecond()) + ":" + number(t.maxTtftSeconds()))
                .collect(Collectors.joining(","));
    }
}
