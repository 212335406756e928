package io.agentload.analysis;

import io.agentload.internal.ExactPercentiles;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Single trials side by side, such as one concurrency replayed in real time against an endpoint and the same
 * configuration in virtual time: the request and per-agent figures and each tier's verdict, and every judged agent as
 * a point (its output speed against its TTFT) with the tiers' limits. Per-agent figures are the tiers' own
 * ({@link TrialMetrics}): an agent that failed a request, or was held through the window by one request and finished
 * none in it, has speed 0 and TTFT infinite; it counts in the percentiles (the table counts such agents and keeps
 * an infinite percentile as infinite, printed {@code ∞}), and the chart's title counts it instead of drawing it.
 */
final class TrialComparison {

    private static final Color[] TRIAL_COLORS = {Style.BLUE, Style.ORANGE, Style.GREEN, Style.PURPLE};
    private static final Marker[] TRIAL_MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE,
        SeriesMarkers.TRIANGLE_UP};
    private static final Color[] TIER_COLORS = {Style.GREEN, Style.VERMILLION, Style.GREY, Style.SKY, Style.NAVY};

    private TrialComparison() {
    }

    static Figure<XYChart> of(Map<String, TrialMetrics> byLabel, List<SloTier> tiers) {
        if (byLabel.isEmpty()) throw new AnalysisException("no trials to compare");
        if (tiers.isEmpty()) throw new AnalysisException("no tiers to judge the trials " + byLabel.keySet());
        return new Figure<>(table(byLabel, tiers), Style.placeLegend(chart(byLabel, tiers)));
    }

    /** One row per (trial, tier): the trial's figures, repeated, then the tier's verdict on it. */
    private static Table table(Map<String, TrialMetrics> byLabel, List<SloTier> tiers) {
        Table t = Table.create("trial comparison");
        StringColumn label = StringColumn.create("trial");
        IntColumn agents = IntColumn.create("agents");
        DoubleColumn window = DoubleColumn.create("window_s");
        IntColumn measured = IntColumn.create("measured_requests");
        IntColumn failed = IntColumn.create("failed_requests");
        DoubleColumn ttft50 = DoubleColumn.create("request_ttft_p50_s");
        DoubleColumn ttft90 = DoubleColumn.create("request_ttft_p90_s");
        DoubleColumn ttft99 = DoubleColumn.create("request_ttft_p99_s");
        IntColumn failedOrHeld = IntColumn.create("agents_failed_or_held");
        DoubleColumn speed10 = DoubleColumn.create("agent_output_tps_p10");
        DoubleColumn speed50 = DoubleColumn.create("agent_output_tps_p50");
        DoubleColumn agentTtft50 = DoubleColumn.create("agent_ttft_p50_s");
        DoubleColumn agentTtft90 = DoubleColumn.create("agent_ttft_p90_s");
        DoubleColumn cached = DoubleColumn.create("cached_token_ratio");
        DoubleColumn outputTps = DoubleColumn.create("output_tps");
        StringColumn tier = StringColumn.create("tier");
        IntColumn judged = IntColumn.create("agents_judged");
        IntColumn passing = IntColumn.create("agents_passing");
        DoubleColumn share = DoubleColumn.create("share_passing");
        BooleanColumn passed = BooleanColumn.create("passed");
        for (Map.Entry<String, TrialMetrics> e : byLabel.entrySet()) {
            TrialMetrics m = e.getValue();
            double[] speeds = SloCurves.judged(m).stream().mapToDouble(SloCurves::speed).toArray();
            double[] ttfts = SloCurves.judged(m).stream().mapToDouble(SloCurves::ttft).toArray();
            for (SloTier s : tiers) {
                TrialMetrics.TierCheck check = m.check(s);
                label.append(e.getKey());
                agents.append(m.agents());
                window.append(m.windowSeconds());
                measured.append(m.measuredRequests());
                failed.append(m.failedRequests());
                ttft50.append(m.ttft().p50());
                ttft90.append(m.ttft().p90());
                ttft99.append(m.ttft().p99());
                failedOrHeld.append(SloCurves.failedOrHeld(m));
                speed10.append(ExactPercentiles.of(speeds, 0.1));
                speed50.append(ExactPercentiles.of(speeds, 0.5));
                agentTtft50.append(ExactPercentiles.of(ttfts, 0.5));
                agentTtft90.append(ExactPercentiles.of(ttfts, 0.9));
                cached.append(m.cachedTokenRatio());
                outputTps.append(m.outputTokensPerSecond());
                tier.append(Tiers.name(s));
                judged.append(check.agentsJudged());
                passing.append(check.agentsPassing());
                share.append(check.sharePassing());
                passed.append(check.passed());
            }
        }
        return t.addColumns(label, agents, window, measured, failed, ttft50, ttft90, ttft99, failedOrHeld, speed10,
                speed50, agentTtft50, agentTtft90, cached, outputTps, tier, judged, passing, share, passed);
    }

    /** Each trial's judged agents as points, speed against TTFT, and each tier's corner: its minimum and maximum. */
    private static XYChart chart(Map<String, TrialMetrics> byLabel, List<SloTier> tiers) {
        List<double[]> xs = new ArrayList<>(), ys = new ArrayList<>();
        List<Double> allX = new ArrayList<>(), allY = new ArrayList<>();
        int held = 0, failed = 0, noSpeed = 0;
        for (TrialMetrics m : byLabel.values()) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (TrialMetrics.AgentMetrics a : SloCurves.judged(m)) {
                double speed = SloCurves.speed(a), ttft = SloCurves.ttft(a);
                if (a.requests() == 0) held++;
                else if (a.failedRequests() > 0) failed++;
                else if (!Double.isFinite(speed)) noSpeed++;
                if (!Double.isFinite(speed) || !Double.isFinite(ttft) || speed <= 0 || ttft <= 0) continue;
                x.add(speed);
                y.add(ttft);
            }
            xs.add(x.stream().mapToDouble(Double::doubleValue).toArray());
            ys.add(y.stream().mapToDouble(Double::doubleValue).toArray());
            allX.addAll(x);
            allY.addAll(y);
        }
        for (SloTier s : tiers) {
            allX.add(s.minOutputTokensPerSecond());
            allY.add(s.maxTtftSeconds());
        }
        double xMax = allX.stream().mapToDouble(Double::doubleValue).max().orElse(1) * 1.05;
        double yMin = allY.stream().mapToDouble(Double::doubleValue).filter(v -> v > 0).min().orElse(0.01);
        double yMax = allY.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        List<String> off = new ArrayList<>();
        if (held > 0) off.add(held + " held through the window");
        if (failed > 0) off.add(failed + " with a failed request");
        if (noSpeed > 0) off.add(noSpeed + " with one-token answers");
        String title = "Each agent's speed and TTFT" + (off.isEmpty() ? ""
                : " (off the chart: " + String.join(", ", off) + ")");
        XYChart chart = Style.xy(title, "per-agent output speed (tok/s, token-weighted over its requests)",
                "per-agent TTFT (s, p90 of its requests)");
        boolean logY = Style.spansDecades(allY.stream().mapToDouble(Double::doubleValue).toArray());
        if (logY) {
            Style.logY(chart.getStyler(), allY.stream().mapToDouble(Double::doubleValue).toArray());
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(yMin))));
        } else {
            chart.getStyler().setYAxisMin(0.0);
        }
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(xMax);
        int i = 0;
        for (String label : byLabel.keySet()) {
            if (xs.get(i).length == 0) {
                i++;
                continue;
            }
            XYSeries s = chart.addSeries(label + " (" + xs.get(i).length + " agents)", xs.get(i), ys.get(i));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(TRIAL_MARKERS[i % TRIAL_MARKERS.length]);
            s.setMarkerColor(TRIAL_COLORS[i % TRIAL_COLORS.length]);
            i++;
        }
        int k = 0;
        double yBottom = logY ? Math.pow(10, Math.floor(Math.log10(yMin))) : 0;
        for (SloTier s : tiers) {
            Color color = TIER_COLORS[k++ % TIER_COLORS.length];
            double minSpeed = s.minOutputTokensPerSecond(), maxTtft = s.maxTtftSeconds();
            XYSeries corner = chart.addSeries(Tiers.name(s), new double[] {minSpeed, minSpeed, xMax},
                    new double[] {yBottom, maxTtft, maxTtft});
            corner.setLineColor(color);
            corner.setLineStyle(Style.DASHED);
            corner.setMarker(SeriesMarkers.NONE);
        }
        chart.getStyler().setYAxisMax(Math.max(yMax, yBottom) * (logY ? 1.5 : 1.05));
        return chart;
    }
}
