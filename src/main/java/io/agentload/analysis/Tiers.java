package io.agentload.analysis;

import io.agentload.replay.SloTier;

/**
 * How tiers are named: {@code 60 tok/s, TTFT ≤ 3 s} in legends and tables, {@code 60 tok/s, 3 s} under bars; the
 * share of agents is added when it is not the default 90%.
 */
final class Tiers {

    private Tiers() {
    }

    static String name(SloTier tier) {
        return share(tier, Style.number(tier.minOutputTokensPerSecond()) + " tok/s, TTFT \u2264 "
                + Style.number(tier.maxTtftSeconds()) + " s");
    }

    static String shortName(SloTier tier) {
        return share(tier, Style.number(tier.minOutputTokensPerSecond()) + " tok/s, "
                + Style.number(tier.maxTtftSeconds()) + " s");
    }

    private static String share(SloTier tier, String name) {
        return tier.percentileOfAgents() == SloTier.DEFAULT_PERCENTILE_OF_AGENTS ? name
                : name + ", " + Style.number(100 * tier.percentileOfAgents()) + "%";
    }
}
