package io.agentload.analysis;

import io.agentload.replay.SloResult;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Several search results side by side, tier by tier: one row per (result, tier) with the tier's answer and what the
 * system delivered at that concurrency (the trial at max agents). Tiers are matched by equality; a tier that a
 * result did not search is a gap in its chart.
 */
final class TierComparison {

    private TierComparison() {
    }

    /** One result's answer for one tier, with the trial at its max agents (null when max agents is 0). */
    private record Row(String label, SloResult.TierResult tier, TrialMetrics atMax, int gpus) {

        double outputTpsPerGpu() {
            return atMax == null ? Double.NaN : atMax.outputTokensPerSecond() / gpus;
        }

        double requestsPerSecondPerGpu() {
            return atMax == null ? Double.NaN : atMax.requestsPerSecond() / gpus;
        }

        double cachedTokenRatio() {
            return atMax == null ? Double.NaN : atMax.cachedTokenRatio();
        }
    }

    /** Grouped bars: one group per tier, one bar per system, logarithmic when they span more than a decade. */
    static Figure<CategoryChart> agentsPerMegawatt(Map<String, SloResult> bySystem) {
        List<Row> rows = rows(bySystem);
        if (rows.stream().noneMatch(r -> Double.isFinite(r.tier().agentsPerMegawatt()))) {
            throw new AnalysisException("none of the SLO results " + bySystem.keySet() + " carries power: "
                    + "Agents per Megawatt needs a power reading");
        }
        Table table = table("agents per megawatt", "system", rows);
        Set<SloTier> tierSet = new LinkedHashSet<>();
        rows.forEach(r -> tierSet.add(r.tier().tier()));
        List<SloTier> tiers = List.copyOf(tierSet);
        List<String> categories = tiers.stream().map(Tiers::shortName).toList();
        CategoryChart chart = Style.category("Agents per Megawatt by tier",
                "tier (min per-agent output speed, max TTFT)", "agents per MW");
        double[] all = rows.stream().mapToDouble(r -> r.tier().agentsPerMegawatt()).toArray();
        boolean log = Style.spansDecades(all);
        if (log) {
            Style.logY(chart.getStyler(), all);
            chart.getStyler().setYAxisMin(decadeBelow(all));
        }
        chart.getStyler().setXAxisLabelRotation(categories.size() > 5 ? 30 : 0);
        int i = 0;
        for (String label : bySystem.keySet()) {
            List<Double> values = new ArrayList<>();
            String boundary = "";
            for (SloTier tier : tiers) {
                Row r = find(rows, label, tier);
                double v = r == null ? Double.NaN : r.tier().agentsPerMegawatt();
                values.add(Double.isFinite(v) && !(log && v <= 0) ? v : null);
                if (r != null && r.tier().power().isPresent() && boundary.isEmpty()) {
                    boundary = ": " + r.tier().power().get().boundary();
                }
            }
            CategorySeries s = chart.addSeries(label + boundary, categories, values);
            s.setFillColor(Style.PALETTE[i++ % Style.PALETTE.length]);
        }
        return new Figure<>(table, Style.placeLegend(chart));
    }

    /**
     * Grouped bars of max agents: one group per tier, one bar per workload (variants of one workload on one system,
     * say), logarithmic when they span more than a decade, where a tier that admits no agent is a gap.
     */
    static Figure<CategoryChart> maxAgents(Map<String, SloResult> byWorkload) {
        List<Row> rows = rows(byWorkload);
        Table table = table("max agents", "workload", rows);
        List<SloTier> tiers = rows.stream().map(r -> r.tier().tier()).distinct().toList();
        List<String> categories = tiers.stream().map(Tiers::shortName).toList();
        CategoryChart chart = Style.category("Max agents by tier", "tier (min per-agent output speed, max TTFT)",
                "max concurrent agents");
        double[] all = rows.stream().mapToDouble(r -> r.tier().maxAgents()).toArray();
        boolean log = Style.spansDecades(all);
        if (log) {
            Style.logY(chart.getStyler(), all);
            // half a decade lower, so that a bar at the decade itself (1 agent) still shows
            chart.getStyler().setYAxisMin(decadeBelow(all) / Math.sqrt(10));
        }
        chart.getStyler().setXAxisLabelRotation(categories.size() > 5 ? 30 : 0);
        int i = 0;
        for (String label : byWorkload.keySet()) {
            List<Double> values = new ArrayList<>();
            for (SloTier tier : tiers) {
                Row r = find(rows, label, tier);
                values.add(r == null || (log && r.tier().maxAgents() == 0) ? null : (double) r.tier().maxAgents());
            }
            chart.addSeries(label, categories, values).setFillColor(Style.PALETTE[i++ % Style.PALETTE.length]);
        }
        return new Figure<>(table, Style.placeLegend(chart));
    }

    /**
     * Per workload, max agents per GPU (solid, left axis) and output tokens per second per GPU at those agents
     * (dashed, right axis) against the tiers' minimum output speed: the capacity a fixed-length chat benchmark
     * reports next to the one agentic traffic gets.
     */
    static Figure<XYChart> agenticVsChat(String agenticLabel, SloResult agentic, String chatLabel, SloResult chat) {
        if (agenticLabel.equals(chatLabel)) {
            throw new AnalysisException("the two workloads need different labels, both are '" + agenticLabel + "'");
        }
        Map<String, SloResult> both = new LinkedHashMap<>();
        both.put(agenticLabel, agentic);
        both.put(chatLabel, chat);
        List<Row> rows = rows(both);
        Table table = table("agentic vs chat", "workload", rows);
        XYChart chart = Style.xy("Agentic vs chat on the same system", "tier's min per-agent output speed (tok/s)",
                "max concurrent agents per GPU");
        double[] perGpu = rows.stream().mapToDouble(r -> r.tier().agentsPerGpu()).toArray();
        double[] tps = rows.stream().mapToDouble(Row::outputTpsPerGpu).toArray();
        if (Style.spansDecades(perGpu) || Style.spansDecades(tps)) {
            Style.logY(chart.getStyler(), java.util.stream.DoubleStream.concat(java.util.Arrays.stream(perGpu),
                    java.util.Arrays.stream(tps)).toArray());
            chart.getStyler().setYAxisMin(0, decadeBelow(perGpu));
            chart.getStyler().setYAxisMin(1, decadeBelow(tps));
        } else {
            chart.getStyler().setYAxisMin(0, 0.0);
            chart.getStyler().setYAxisMin(1, 0.0);
        }
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.setYAxisGroupTitle(1, "output tokens/s per GPU at max agents");
        int i = 0;
        for (String label : both.keySet()) {
            Color color = Style.PALETTE[i++ % Style.PALETTE.length];
            List<Row> own = rows.stream().filter(r -> r.label().equals(label)).toList();
            double[] x = own.stream().mapToDouble(r -> r.tier().tier().minOutputTokensPerSecond()).toArray();
            Style.line(chart, label + ": agents per GPU", x,
                    own.stream().mapToDouble(r -> r.tier().agentsPerGpu()).toArray(), color);
            XYSeries t = Style.line(chart, label + ": output tok/s per GPU", x,
                    own.stream().mapToDouble(Row::outputTpsPerGpu).toArray(), color);
            if (t != null) {
                t.setYAxisGroup(1);
                t.setLineStyle(Style.DASHED);
            }
        }
        return new Figure<>(table, Style.placeLegend(chart));
    }

    private static List<Row> rows(Map<String, SloResult> results) {
        if (results.isEmpty()) throw new AnalysisException("no SLO results to compare");
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, SloResult> e : results.entrySet()) {
            SloResult r = e.getValue();
            for (SloResult.TierResult t : r.tiers()) {
                TrialMetrics atMax = t.maxAgents() == 0 ? null : r.trials().stream()
                        .filter(m -> m.agents() == t.maxAgents()).findFirst().orElse(null);
                rows.add(new Row(e.getKey(), t, atMax, r.gpus()));
            }
        }
        if (rows.isEmpty()) throw new AnalysisException("the SLO results " + results.keySet() + " hold no tiers");
        return rows;
    }

    private static Row find(List<Row> rows, String label, SloTier tier) {
        for (Row r : rows) {
            if (r.label().equals(label) && r.tier().tier().equals(tier)) return r;
        }
        return null;
    }

    private static Table table(String name, String labelColumn, List<Row> rows) {
        StringColumn label = StringColumn.create(labelColumn), tier = StringColumn.create("tier"),
                boundary = StringColumn.create("power_boundary");
        DoubleColumn minTps = DoubleColumn.create("min_output_tps"), maxTtft = DoubleColumn.create("max_ttft_s"),
                share = DoubleColumn.create("percentile_of_agents"), perGpu = DoubleColumn.create("agents_per_gpu"),
                perMw = DoubleColumn.create("agents_per_mw"), watts = DoubleColumn.create("mean_power_w"),
                tps = DoubleColumn.create("output_tps_per_gpu"), rps = DoubleColumn.create("requests_per_s_per_gpu"),
                cached = DoubleColumn.create("cached_token_ratio");
        IntColumn maxAgents = IntColumn.create("max_agents");
        BooleanColumn capped = BooleanColumn.create("capped");
        for (Row r : rows) {
            SloTier t = r.tier().tier();
            label.append(r.label());
            tier.append(Tiers.name(t));
            minTps.append(t.minOutputTokensPerSecond());
            maxTtft.append(t.maxTtftSeconds());
            share.append(t.percentileOfAgents());
            maxAgents.append(r.tier().maxAgents());
            capped.append(r.tier().capped());
            perGpu.append(r.tier().agentsPerGpu());
            perMw.append(r.tier().agentsPerMegawatt());
            watts.append(r.tier().meanWatts());
            if (r.tier().power().isPresent()) boundary.append(r.tier().power().get().boundary());
            else boundary.appendMissing();
            tps.append(r.outputTpsPerGpu());
            rps.append(r.requestsPerSecondPerGpu());
            cached.append(r.cachedTokenRatio());
        }
        return Table.create(name).addColumns(label, tier, minTps, maxTtft, share, maxAgents, capped, perGpu, perMw,
                watts, boundary, tps, rps, cached);
    }

    /** The power of ten at or below the smallest finite positive value: where a logarithmic axis starts. */
    private static double decadeBelow(double[] values) {
        double min = Arrays.stream(values).filter(v -> v > 0 && Double.isFinite(v)).min().orElse(1);
        return Math.pow(10, Math.floor(Math.log10(min)));
    }
}
