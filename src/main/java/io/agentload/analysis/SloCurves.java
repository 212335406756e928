package io.agentload.analysis;

import io.agentload.internal.ExactPercentiles;
import io.agentload.replay.SloResult;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The SLO curves of a search: per-agent output speed and TTFT percentiles over the agents of each trial against
 * concurrency, with each tier's limit and the largest concurrency the search admitted for it.
 *
 * <p>Per-agent figures follow {@link TrialMetrics}: an agent's speed is token-weighted over its measured requests,
 * its TTFT the 90th percentile of its requests' TTFTs; percentiles are over the judged agents, an agent that failed
 * a request or was held through the window counting as speed 0 and TTFT infinite (an agent with only single-token
 * outputs has no speed and counts as infinitely fast), exactly as the tiers judge them. So the p10 speed of a trial
 * is the speed that 90% of its agents reach, and a 90% tier passes at N when the p10 speed is at least its minimum
 * and the p90 TTFT at most its maximum, and both hold for the same agents. The tables count the agents that failed
 * or were held and keep infinite percentiles as infinite (printed {@code ∞}); the charts draw every trial, a
 * percentile the axis cannot show (infinite, undefined with no agent judged, or 0 on a logarithmic axis) pinned to
 * the plot's edge and marked ({@link OffScale}).
 *
 * <p>A trial cut at its verdict ({@link TrialMetrics#cutAtVerdict()}, the tables' {@code cut_at_verdict}) stopped once
 * its verdict on every tier it was run for was certain (each failed, or enough agents had finished and passed): its
 * agents with a request then in flight count as failed, and its figures are what was known at the cut, the failing
 * side of the whole trial's (speeds no higher, TTFTs no lower for the agents that failed; the request TTFT
 * percentiles leave out the requests that had not finished).
 */
final class SloCurves {

    private static final double[] SPEED_PERCENTILES = {0.1, 0.5, 0.9};
    private static final double[] TTFT_PERCENTILES = {0.5, 0.9, 0.99};
    /** Shades of blue for the agents' percentiles; the tiers take the palette's other colours. */
    private static final Color[] PERCENTILE_COLORS = {Style.BLUE, Style.SKY, Style.NAVY};
    private static final Color[] TIER_COLORS = {Style.ORANGE, Style.GREEN, Style.VERMILLION, Style.PURPLE,
        Style.GREY};
    private static final String NO_AGENT_JUDGED = "no agent judged";

    /** The colour of a search's {@code i}-th tier on every chart. */
    static Color tierColor(int i) {
        return TIER_COLORS[i % TIER_COLORS.length];
    }

    private SloCurves() {
    }

    /** The trials of a result ordered by concurrency; an error when there are none. */
    static List<TrialMetrics> byAgents(SloResult result) {
        if (result.trials().isEmpty()) throw new AnalysisException("the SLO result holds no trials");
        List<TrialMetrics> trials = new ArrayList<>(result.trials());
        trials.sort(Comparator.comparingInt(TrialMetrics::agents).thenComparingInt(TrialMetrics::trial));
        return trials;
    }

    static Figure<XYChart> outputSpeed(SloResult result) {
        List<TrialMetrics> trials = byAgents(result);
        Table table = perTrial("output speed curve", trials);
        List<String> columns = new ArrayList<>();
        for (double p : SPEED_PERCENTILES) {
            columns.add("agent_output_tps_p" + Style.number(100 * p));
            table.addColumns(DoubleColumn.create(columns.getLast(),
                    trials.stream().mapToDouble(m -> agentPercentile(m, SloCurves::speed, p))));
        }
        List<SloTier> tiers = result.tiers().stream().map(SloResult.TierResult::tier).toList();
        double[] limits = tiers.stream().mapToDouble(SloTier::minOutputTokensPerSecond).toArray();
        XYChart chart = chart(table, "Per-agent output speed against concurrency",
                "per-agent output speed (tok/s)", columns, SPEED_PERCENTILES, limits, SloCurves::speedOffScale);
        marks(chart, result, trials, SloTier::minOutputTokensPerSecond);
        return new Figure<>(table, Style.placeLegend(chart));
    }

    static Figure<XYChart> ttft(SloResult result) {
        List<TrialMetrics> trials = byAgents(result);
        Table table = perTrial("TTFT curve", trials);
        List<String> columns = new ArrayList<>();
        for (double p : TTFT_PERCENTILES) {
            columns.add("agent_ttft_p" + Style.number(100 * p) + "_s");
            table.addColumns(DoubleColumn.create(columns.getLast(),
                    trials.stream().mapToDouble(m -> agentPercentile(m, SloCurves::ttft, p))));
        }
        table.addColumns(
                DoubleColumn.create("request_ttft_p50_s", trials.stream().mapToDouble(m -> m.ttft().p50())),
                DoubleColumn.create("request_ttft_p90_s", trials.stream().mapToDouble(m -> m.ttft().p90())),
                DoubleColumn.create("request_ttft_p99_s", trials.stream().mapToDouble(m -> m.ttft().p99())));
        List<SloTier> tiers = result.tiers().stream().map(SloResult.TierResult::tier).toList();
        double[] limits = tiers.stream().mapToDouble(SloTier::maxTtftSeconds).toArray();
        XYChart chart = chart(table, "Per-agent TTFT against concurrency",
                "per-agent TTFT (s, p90 of each agent's requests)", columns, TTFT_PERCENTILES, limits,
                SloCurves::ttftOffScale);
        marks(chart, result, trials, SloTier::maxTtftSeconds);
        return new Figure<>(table, Style.placeLegend(chart));
    }

    /**
     * Why a speed percentile is off the scale: 0 on a log axis (agents that failed or were held), infinite (agents
     * with one-token answers only), or undefined (no agent judged: all spent the window in tool time, and every tier
     * fails the trial), drawn at the bottom as the worst case.
     */
    private static OffScale.Reason speedOffScale(double v, boolean log) {
        return Double.isNaN(v) ? new OffScale.Reason(false, NO_AGENT_JUDGED)
                : v == Double.POSITIVE_INFINITY ? new OffScale.Reason(true, "infinite: one-token answers")
                : log && v <= 0 ? new OffScale.Reason(false, "0 tok/s: agents failed or held") : null;
    }

    /** Why a TTFT percentile is off the scale: infinite (agents that failed or were held), or no agent judged. */
    private static OffScale.Reason ttftOffScale(double v, boolean log) {
        return Double.isNaN(v) ? new OffScale.Reason(true, NO_AGENT_JUDGED)
                : v == Double.POSITIVE_INFINITY ? new OffScale.Reason(true, "infinite: agents failed or held")
                : log && v <= 0 ? new OffScale.Reason(false, "0 s") : null;
    }

    /** The trial's columns, with the agents judged and those among them that failed or were held. */
    private static Table perTrial(String name, List<TrialMetrics> trials) {
        return Table.create(name).addColumns(
                IntColumn.create("agents", trials.stream().mapToInt(TrialMetrics::agents).toArray()),
                IntColumn.create("trial", trials.stream().mapToInt(TrialMetrics::trial).toArray()),
                IntColumn.create("agents_judged", trials.stream().mapToInt(m -> judged(m).size()).toArray()),
                IntColumn.create("agents_failed_or_held", trials.stream().mapToInt(SloCurves::failedOrHeld).toArray()),
                BooleanColumn.create("cut_at_verdict", trials.stream().map(TrialMetrics::cutAtVerdict).toList()));
    }

    private static XYChart chart(Table table, String title, String yTitle, List<String> columns,
                                 double[] percentiles, double[] limits, OffScale.Rule offScale) {
        double[] x = table.intColumn("agents").asDoubleArray();
        List<double[]> ys = columns.stream().map(c -> table.doubleColumn(c).asDoubleArray()).toList();
        List<Double> all = new ArrayList<>();
        for (double v : limits) all.add(v);
        for (double[] y : ys) {
            for (double v : y) all.add(v);
        }
        boolean logY = Style.spansDecades(all.stream().mapToDouble(Double::doubleValue).toArray());
        OffScale scale = new OffScale(ys, limits, logY, offScale);
        XYChart chart = Style.xy(scale.title(title), "concurrent agents", yTitle);
        if (Style.spansDecades(x)) Style.logX(chart, x);
        else Style.wholeNumbersX(chart, x[x.length - 1]);
        if (logY) Style.logY(chart.getStyler(), all.stream().mapToDouble(Double::doubleValue).toArray());
        else chart.getStyler().setYAxisMin(0.0);
        for (int i = 0; i < percentiles.length; i++) {
            Style.line(chart, "p" + Style.number(100 * percentiles[i]) + " of agents", x, scale.pin(x, ys.get(i)),
                    PERCENTILE_COLORS[i]);
        }
        scale.mark(chart);
        return chart;
    }

    /** Each tier's limit as a dashed line, and the largest concurrency it admitted as a point on that line. */
    private static void marks(XYChart chart, SloResult result, List<TrialMetrics> trials,
                              ToDoubleFunction<SloTier> limit) {
        double lo = trials.get(0).agents(), hi = Math.max(trials.get(trials.size() - 1).agents(), lo + 1);
        boolean logY = chart.getStyler().isYAxisLogarithmic();
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        int i = 0;
        for (SloResult.TierResult t : result.tiers()) {
            double y = limit.applyAsDouble(t.tier());
            Color color = TIER_COLORS[i++ % TIER_COLORS.length];
            if (logY && y <= 0) continue;
            Style.horizontal(chart, Tiers.name(t.tier()) + ": max " + t.maxAgents() + (t.capped() ? "+" : ""), y, lo,
                    hi, color, Style.DASHED);
            if (t.maxAgents() > 0) {
                xs.add((double) t.maxAgents());
                ys.add(y);
            }
        }
        if (!xs.isEmpty()) {
            XYSeries points = chart.addSeries("max agents per tier", xs, ys);
            points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            points.setMarker(SeriesMarkers.DIAMOND);
            points.setMarkerColor(Color.BLACK);
        }
    }

    static List<TrialMetrics.AgentMetrics> judged(TrialMetrics m) {
        return m.agentMetrics().stream().filter(TrialMetrics.AgentMetrics::judged).toList();
    }

    private static boolean served(TrialMetrics.AgentMetrics a) {
        return a.requests() > 0 && a.failedRequests() == 0;
    }

    static double speed(TrialMetrics.AgentMetrics a) {
        if (!served(a)) return 0;
        return Double.isNaN(a.outputTokensPerSecond()) ? Double.POSITIVE_INFINITY : a.outputTokensPerSecond();
    }

    static double ttft(TrialMetrics.AgentMetrics a) {
        return served(a) ? a.ttft() : Double.POSITIVE_INFINITY;
    }

    /** Judged agents that failed a request or were held through the window: speed 0 and TTFT infinite. */
    static int failedOrHeld(TrialMetrics m) {
        return (int) judged(m).stream().filter(a -> !served(a)).count();
    }

    private static double agentPercentile(TrialMetrics m, ToDoubleFunction<TrialMetrics.AgentMetrics> figure,
                                          double p) {
        return ExactPercentiles.of(judged(m).stream().mapToDouble(figure).toArray(), p);
    }
}
