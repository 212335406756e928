package io.agentload.replay;

import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Optional;

/**
 * What an {@link SloSearch} found: per tier the largest number of agents served, agents per GPU and Agents per
 * Megawatt; and every trial it ran, which draw the SLO curves. A search recorded in a run folder writes it there
 * ({@code trials.parquet}, {@code summary.json}, {@code report.html}); {@link Run#sloResult()} reads it back.
 *
 * @param tiers  one result per tier, in the search's order
 * @param trials every trial, in the order they ran
 * @param gpus   GPUs of the system under test
 */
public record SloResult(List<TierResult> tiers, List<TrialMetrics> trials, int gpus) {

    public SloResult {
        tiers = List.copyOf(tiers);
        trials = List.copyOf(trials);
    }

    /**
     * One tier's answer.
     *
     * @param tier              the tier
     * @param maxAgents         the largest N that passed below the smallest N that failed (0 if even the first failed)
     * @param capped            true when no trial failed: the system serves at least {@code maxAgents}
     * @param consistent        true when every trial passed at N &le; maxAgents and failed above it
     * @param agentsPerGpu      maxAgents over the system's GPUs
     * @param agentsPerMegawatt maxAgents over the mean power of the trial at maxAgents in MW; NaN without power
     * @param power             that trial's mean power and its boundary, when the run had a power source
     */
    public record TierResult(SloTier tier, int maxAgents, boolean capped, boolean consistent, double agentsPerGpu,
                             double agentsPerMegawatt, Optional<TrialMetrics.MeanPower> power) {

        static TierResult of(SloTier tier, int maxAgents, boolean capped, boolean consistent, int gpus,
                             Optional<TrialMetrics.MeanPower> power) {
            double watts = power.map(TrialMetrics.MeanPower::meanWatts).orElse(Double.NaN);
            double perMw = maxAgents == 0 ? 0 : maxAgents / (watts / 1e6);
            return new TierResult(tier, maxAgents, capped, consistent, (double) maxAgents / gpus, perMw, power);
        }

        /** The mean power in watts of the trial at max agents; NaN without power. */
        public double meanWatts() {
            return power.map(TrialMetrics.MeanPower::meanWatts).orElse(Double.NaN);
        }
    }

    /** Every trial judged by every tier: one row per (trial, tier), as {@code trials.parquet} holds it. */
    public Table trialsTable() {
        return TrialsTable.of(trials, tiers.stream().map(TierResult::tier).toList());
    }

    /**
     * Draws a search's {@code report.html} from its result. The {@code io.agentload.analysis} package provides the one a
     * run folder gets, found with {@link java.util.ServiceLoader}: the report shows the charts {@code Analysis} draws,
     * and the analysis package, which reads results from this one, stays above it.
     */
    public interface Report {

        /** A self-contained HTML page of {@code result} (no scripts, no external files). */
        String html(SloResult result);
    }
}
