package io.agentload.replay;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * {@code report.html}: one self-contained page (no scripts, no external files) with the tier table, the SLO curves
 * drawn by XChart as embedded PNGs, and every trial.
 *
 * <p>Each tier has one colour on every chart, by its place in the search's tiers, the same colours as the analysis
 * package's SLO curves (Okabe-Ito orange, green, vermillion, purple, grey); the agents' percentiles are drawn in
 * blues, which no tier takes.
 */
final class HtmlReport {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 420;
    /** The colours of the search's first, second... tier. */
    private static final Color[] TIER_COLORS = {new Color(0xE6, 0x9F, 0x00), new Color(0x00, 0x9E, 0x73),
        new Color(0xD5, 0x5E, 0x00), new Color(0xCC, 0x79, 0xA7), new Color(0x55, 0x55, 0x55)};
    /** The colours of lines that are not a tier's: the agents' percentiles, throughput, power. */
    private static final Color[] OTHER_COLORS = {new Color(0x00, 0x72, 0xB2), new Color(0x56, 0xB4, 0xE9),
        new Color(0x1B, 0x3A, 0x6B)};

    private HtmlReport() {
    }

    static String of(SloResult result) {
        List<SloTier> tiers = result.tiers().stream().map(SloResult.TierResult::tier).toList();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>agentload SLO report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;")
                .append("margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th{background:#f3f3f3}td.l,th.l{text-align:left}img{display:block;margin:1em 0}</style>\n")
                .append("</head><body>\n<h1>SLO search</h1>\n<p>")
                .append(result.trials().size()).append(" trials, ").append(result.gpus()).append(" GPU")
                .append(result.gpus() == 1 ? "" : "s").append(". A tier passes a trial when its share of agents get ")
                .append("the tier's per-agent output speed (token-weighted) and 90th-percentile TTFT.</p>\n");

        h.append("<h2>Tiers</h2>\n<table><tr><th class=\"l\">tier</th><th>max agents</th><th>agents per GPU</th>")
                .append("<th>Agents per MW</th><th>mean power (W)</th><th class=\"l\">power boundary</th>")
                .append("<th class=\"l\">notes</th></tr>\n");
        for (SloResult.TierResult t : result.tiers()) {
            String notes = (t.capped() ? "no trial failed: at least this many; " : "")
                    + (t.consistent() ? "" : "trials disagree (noise): result is below the first failure");
            h.append("<tr><td class=\"l\">").append(escape(t.tier().label())).append("</td><td>")
                    .append(t.capped() ? "&ge; " : "").append(t.maxAgents()).append("</td><td>")
                    .append(format(t.agentsPerGpu())).append("</td><td>").append(format(t.agentsPerMegawatt()))
                    .append("</td><td>").append(format(t.power().meanWatts())).append("</td><td class=\"l\">")
                    .append(escape(t.power().boundary())).append("</td><td class=\"l\">").append(escape(notes))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n<h2>SLO curves</h2>\n");
        List<XYChart> charts = charts(result);
        List<String> alts = List.of("Share of agents meeting each tier against concurrent agents",
                "Per-agent output speed reached by the tiers' share of agents against concurrent agents",
                "Per-agent TTFT against concurrent agents",
                "Output tokens per second and mean power against concurrent agents");
        for (int i = 0; i < charts.size(); i++) image(h, charts.get(i), alts.get(i));

        h.append("<h2>Trials</h2>\n<table><tr><th>trial</th><th>agents</th>");
        for (SloTier tier : tiers) h.append("<th>").append(SloTier.number(tier.minOutputTokensPerSecond())).append(" tok/s</th>");
        h.append("<th>measured requests</th><th>failed</th><th>output tok/s</th><th>TTFT p90 (s)</th>")
                .append("<th>cached tokens</th><th>mean power (W)</th></tr>\n");
        for (TrialMetrics m : result.trials()) {
            h.append("<tr><td>").append(m.trial()).append("</td><td>").append(m.agents()).append("</td>");
            for (SloTier tier : tiers) {
                TrialMetrics.TierCheck c = m.check(tier);
                h.append("<td>").append(c.passed() ? "pass" : "fail").append(" (")
                        .append(String.format(Locale.ROOT, "%.1f", 100 * c.sharePassing())).append("%)</td>");
            }
            h.append("<td>").append(m.measuredRequests()).append("</td><td>").append(m.failedRequests())
                    .append("</td><td>").append(format(m.outputTokensPerSecond())).append("</td><td>")
                    .append(format(m.ttft().p90())).append("</td><td>")
                    .append(Double.isNaN(m.cachedTokenRatio()) ? "" : format(100 * m.cachedTokenRatio()) + "%")
                    .append("</td><td>").append(format(m.power().meanWatts())).append("</td></tr>\n");
        }
        return h.append("</table>\n</body></html>\n").toString();
    }

    /** The report's charts: share of agents per tier, per-agent speed, per-agent TTFT, throughput and power. */
    static List<XYChart> charts(SloResult result) {
        List<TrialMetrics> byN = new ArrayList<>(result.trials());
        byN.sort(Comparator.comparingInt(TrialMetrics::agents));
        List<SloTier> tiers = result.tiers().stream().map(SloResult.TierResult::tier).toList();
        List<Double> shares = tiers.stream().map(SloTier::percentileOfAgents).distinct().toList();

        XYChart share = chart("Agents meeting each tier", "share of agents passing");
        for (int i = 0; i < tiers.size(); i++) {
            SloTier tier = tiers.get(i);
            line(share, tier.label(), byN, m -> m.check(tier).sharePassing(), tierColor(i));
        }

        XYChart speed = chart("Per-agent output speed", "tok/s (token-weighted per agent)");
        speed.getStyler().setYAxisLogarithmic(true);
        for (int i = 0; i < shares.size(); i++) {
            SloTier probe = new SloTier(0, Double.MAX_VALUE, shares.get(i));
            line(speed, "reached by " + SloTier.number(shares.get(i) * 100) + "% of agents", byN,
                    m -> m.check(probe).agentOutputTokensPerSecond(), OTHER_COLORS[i % OTHER_COLORS.length]);
        }
        for (int i = 0; i < tiers.size(); i++) {
            threshold(speed, "min " + SloTier.number(tiers.get(i).minOutputTokensPerSecond()) + " tok/s", byN,
                    tiers.get(i).minOutputTokensPerSecond(), tierColor(i));
        }

        XYChart ttft = chart("Per-agent TTFT (90th percentile of each agent's requests)", "seconds");
        ttft.getStyler().setYAxisLogarithmic(true);
        for (int i = 0; i < shares.size(); i++) {
            SloTier probe = new SloTier(0, Double.MAX_VALUE, shares.get(i));
            line(ttft, "within reach of " + SloTier.number(shares.get(i) * 100) + "% of agents", byN,
                    m -> m.check(probe).agentTtft(), OTHER_COLORS[i % OTHER_COLORS.length]);
        }
        for (int i = 0; i < tiers.size(); i++) {
            threshold(ttft, "max " + SloTier.number(tiers.get(i).maxTtftSeconds()) + " s", byN,
                    tiers.get(i).maxTtftSeconds(), tierColor(i));
        }

        XYChart throughput = chart("Throughput and power", "output tok/s");
        line(throughput, "output tok/s", byN, TrialMetrics::outputTokensPerSecond, OTHER_COLORS[0]);
        if (byN.stream().anyMatch(m -> m.power().present())) {
            XYSeries s = line(throughput, "mean power (W)", byN, m -> m.power().meanWatts(), OTHER_COLORS[2]);
            if (s != null) {
                s.setYAxisGroup(1);
                throughput.setYAxisGroupTitle(1, "W");
            }
        }
        List<XYChart> charts = List.of(share, speed, ttft, throughput);
        charts.forEach(HtmlReport::tickShortLogAxes);
        return charts;
    }

    /**
     * Gives a logarithmic axis whose points span less than two decades a tick at 1-9 times each power of ten: with
     * XChart's default, ticks at powers of ten only, such an axis has one labelled tick or none (TTFTs of 0.2-6 s
     * showed only "1"). Wider axes keep one tick per decade, which stays legible.
     */
    private static void tickShortLogAxes(XYChart chart) {
        double[] x = range(chart, XYSeries::getXData), y = range(chart, XYSeries::getYData);
        if (chart.getStyler().isXAxisLogarithmic() && x[1] < 100 * x[0]) {
            chart.getStyler().setXAxisLogarithmicDecadeOnly(false);
        }
        if (chart.getStyler().isYAxisLogarithmic() && y[1] < 100 * y[0]) {
            chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
        }
    }

    /** The smallest and largest positive value the chart's series hold on one axis. */
    private static double[] range(XYChart chart, Function<XYSeries, double[]> axis) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double v : axis.apply(s)) {
                if (v > 0 && Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        return new double[] {min, max};
    }

    /** The colour of the search's {@code i}-th tier. */
    static Color tierColor(int i) {
        return TIER_COLORS[i % TIER_COLORS.length];
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("concurrent agents").yAxisTitle(yTitle).build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    /** Adds a series of the finite points (positive ones on a logarithmic axis), or nothing when there are none. */
    private static XYSeries line(XYChart chart, String name, List<TrialMetrics> byN, ToDoubleFunction<TrialMetrics> y,
                                 Color color) {
        boolean log = chart.getStyler().isYAxisLogarithmic();
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (TrialMetrics m : byN) {
            double v = y.applyAsDouble(m);
            if (!Double.isFinite(v) || log && v <= 0) continue;
            xs.add((double) m.agents());
            ys.add(v);
        }
        if (xs.isEmpty()) return null;
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(color);
        s.setMarkerColor(color);
        return s;
    }

    /** A tier's limit as a dashed line; tiers sharing a limit share its line, in the first one's colour. */
    private static void threshold(XYChart chart, String name, List<TrialMetrics> byN, double y, Color color) {
        if (byN.isEmpty() || chart.getSeriesMap().containsKey(name)) return;
        double lo = byN.get(0).agents(), hi = byN.get(byN.size() - 1).agents();
        XYSeries s = chart.addSeries(name, new double[] {lo, Math.max(hi, lo + 1)}, new double[] {y, y});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(SeriesLines.DASH_DASH);
        s.setLineColor(color);
    }

    private static void image(StringBuilder h, XYChart chart, String alt) {
        if (chart.getSeriesMap().isEmpty()) return;
        try {
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            h.append("<img alt=\"").append(escape(alt)).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw the chart '" + chart.getTitle() + "'", e);
        }
    }

    private static String format(double v) {
        if (!Double.isFinite(v)) return "";
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
