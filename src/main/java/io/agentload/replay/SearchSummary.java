package io.agentload.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentload.power.PowerSummary;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a search's {@code summary.json} holds, field for field: per tier its limits and the answer (max agents, agents
 * per GPU, Agents per Megawatt and the power behind it); a real-time search adds every request's status, the client's
 * send lag and each tier's energy and power coverage. Read it with {@link Run#searchSummary()}.
 *
 * <p>An unknown figure is NaN here and null in the file; a field that only a real-time search writes is null here and
 * absent from a simulated search's file.
 *
 * @param gpus             GPUs of the system under test
 * @param trials           trials the search ran
 * @param tiers            one entry per tier, in the search's order
 * @param requestsByStatus every request of the run by status ({@code ok}, {@code http_429}...); real-time only
 * @param sendLagMs        how late the client sent; real-time only
 */
public record SearchSummary(@JsonProperty(required = true) int gpus, int trials, List<Tier> tiers,
                            SortedMap<String, Long> requestsByStatus, ReplaySummary.SendLag sendLagMs) {

    public SearchSummary {
        tiers = List.copyOf(tiers);
        if (requestsByStatus != null) requestsByStatus = Collections.unmodifiableSortedMap(new TreeMap<>(requestsByStatus));
    }

    /**
     * One tier's answer.
     *
     * @param minOutputTps       the tier's minimum per-agent output speed (tok/s)
     * @param maxTtftS           its maximum per-agent TTFT (s)
     * @param percentileOfAgents the share of agents that must meet both
     * @param maxAgents          the largest N that passed below the smallest N that failed
     * @param capped             true when no trial failed: the system serves at least {@code maxAgents}
     * @param consistent         true when every trial passed at N &le; maxAgents and failed above it
     * @param agentsPerGpu       maxAgents over the GPUs
     * @param agentsPerMw        maxAgents over the mean power of the trial at maxAgents in MW; NaN without power
     * @param meanPowerW         that trial's mean power; NaN without power
     * @param powerBoundary      its boundary and how it was obtained; null without power
     * @param energyJ            energy over that trial's window; real-time only (NaN without power)
     * @param powerCoverage      the share of that window that power readings covered; real-time only
     * @param deployment         the simulated deployment that served the answer (its {@code --deployment} string);
     *                           absent for the default layout and for a real-time search
     */
    public record Tier(@JsonProperty(required = true) double minOutputTps,
                       @JsonProperty(required = true) double maxTtftS,
                       @JsonProperty(required = true) double percentileOfAgents,
                       @JsonProperty(required = true) int maxAgents,
                       @JsonProperty(required = true) boolean capped,
                       @JsonProperty(required = true) boolean consistent,
                       @JsonProperty(required = true) double agentsPerGpu,
                       double agentsPerMw, double meanPowerW, @JsonInclude(JsonInclude.Include.ALWAYS) String powerBoundary,
                       Double energyJ, Double powerCoverage, String deployment) {

        /** The tier these limits make. */
        public SloTier tier() {
            return new SloTier(minOutputTps, maxTtftS, percentileOfAgents);
        }

        /** The search's answer for this tier. */
        SloResult.TierResult result() {
            Optional<TrialMetrics.MeanPower> power = TrialMetrics.MeanPower.of(meanPowerW,
                    powerBoundary == null ? "" : powerBoundary);
            return new SloResult.TierResult(tier(), maxAgents, capped, consistent, agentsPerGpu, agentsPerMw, power);
        }

        private Tier withEnergy(Optional<PowerSummary> window) {
            return new Tier(minOutputTps, maxTtftS, percentileOfAgents, maxAgents, capped, consistent, agentsPerGpu,
                    agentsPerMw, meanPowerW, powerBoundary, window.map(PowerSummary::energyJoules).orElse(Double.NaN),
                    window.map(PowerSummary::coverage).orElse(Double.NaN), deployment);
        }

        /** The same answer, served by {@code spec}. */
        Tier withDeployment(String spec) {
            return new Tier(minOutputTps, maxTtftS, percentileOfAgents, maxAgents, capped, consistent, agentsPerGpu,
                    agentsPerMw, meanPowerW, powerBoundary, energyJ, powerCoverage, spec);
        }
    }

    /** The summary of a simulated search's result. */
    static SearchSummary of(SloResult result) {
        List<Tier> tiers = new ArrayList<>();
        for (SloResult.TierResult t : result.tiers()) {
            tiers.add(new Tier(t.tier().minOutputTokensPerSecond(), t.tier().maxTtftSeconds(),
                    t.tier().percentileOfAgents(), t.maxAgents(), t.capped(), t.consistent(), t.agentsPerGpu(),
                    t.agentsPerMegawatt(), t.meanWatts(), t.power().map(TrialMetrics.MeanPower::boundary).orElse(null),
                    null, null, null));
        }
        return new SearchSummary(result.gpus(), result.trials().size(), tiers, null, null);
    }

    /** This summary with every tier served by the deployment {@code spec}. */
    SearchSummary withDeployment(String spec) {
        return new SearchSummary(gpus, trials, tiers.stream().map(t -> t.withDeployment(spec)).toList(), requestsByStatus,
                sendLagMs);
    }

    /**
     * This summary with what a real-time search measured: each tier's power over the window of its trial at max agents
     * (in the tiers' order), the requests by status and the send lag.
     */
    SearchSummary withRealTime(List<Optional<PowerSummary>> windows, SortedMap<String, Long> byStatus,
                               ReplayResult.SendLag lag) {
        List<Tier> measured = new ArrayList<>();
        for (int i = 0; i < tiers.size(); i++) measured.add(tiers.get(i).withEnergy(windows.get(i)));
        return new SearchSummary(gpus, trials, measured, byStatus, ReplaySummary.SendLag.of(lag));
    }

    /** The tiers' answers, as the search returned them. */
    List<SloResult.TierResult> tierResults() {
        return tiers.stream().map(Tier::result).toList();
    }
}
