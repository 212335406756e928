package io.agentload.analysis;

import io.agentload.replay.SloResult;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import org.knowm.xchart.XYChart;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained page (no scripts, no external files) with the tier table, the SLO curves and
 * every trial. The curves are the analyses' own figures as embedded PNGs: {@link Analysis#tierShares},
 * {@link Analysis#outputSpeedCurve}, {@link Analysis#ttftCurve}, {@link Analysis#throughput} and, when trials carry
 * power, {@link Analysis#power}. A search writing a run folder reaches it through {@link Analysis.Report}, found by
 * {@link SloResult.Report}'s service file.
 */
final class HtmlReport {

    private HtmlReport() {
    }

    static String html(SloResult result) {
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
                    .append("</td><td>").append(format(t.meanWatts())).append("</td><td class=\"l\">")
                    .append(escape(t.power().map(TrialMetrics.MeanPower::boundary).orElse(""))).append("</td><td class=\"l\">").append(escape(notes))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n<h2>SLO curves</h2>\n");
        if (!result.trials().isEmpty()) {
            for (Figure<XYChart> f : figures(result)) image(h, f);
        }

        h.append("<h2>Trials</h2>\n<table><tr><th>trial</th><th>agents</th>");
        for (SloTier tier : tiers) h.append("<th>").append(plain(tier.minOutputTokensPerSecond())).append(" tok/s</th>");
        h.append("<th>measured requests</th><th>failed</th><th>output tok/s</th><th>TTFT p90 (s)</th>")
                .append("<th>cached tokens</th><th>mean power (W)</th></tr>\n");
        for (TrialMetrics m : result.trials()) {
            h.append("<tr><td>").append(m.trial()).append(m.cutAtVerdict() ? "*" : "").append("</td><td>")
                    .append(m.agents()).append("</td>");
            for (SloTier tier : tiers) {
                TrialMetrics.TierCheck c = m.check(tier);
                h.append("<td>").append(c.passed() ? "pass" : "fail").append(" (")
                        .append(String.format(Locale.ROOT, "%.1f", 100 * c.sharePassing())).append("%)</td>");
            }
            h.append("<td>").append(m.measuredRequests()).append("</td><td>").append(m.failedRequests())
                    .append("</td><td>").append(format(m.outputTokensPerSecond())).append("</td><td>")
                    .append(format(m.ttft().p90())).append("</td><td>")
                    .append(Double.isNaN(m.cachedTokenRatio()) ? "" : format(100 * m.cachedTokenRatio()) + "%")
                    .append("</td><td>").append(format(m.meanWatts())).append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (result.trials().stream().anyMatch(TrialMetrics::cutAtVerdict)) {
            h.append("<p>* Cut at its verdict: the trial stopped once its verdict on every tier it was run for was certain; ")
                    .append("requests still in flight count as failed, and its latency figures leave them out.</p>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    /** The report's charts, in its order: tier shares, output speed, TTFT, throughput and, with power, power. */
    static List<Figure<XYChart>> figures(SloResult result) {
        List<Figure<XYChart>> figures = new ArrayList<>(List.of(Analysis.tierShares(result),
                Analysis.outputSpeedCurve(result), Analysis.ttftCurve(result), Analysis.throughput(result)));
        if (result.trials().stream().anyMatch(m -> m.power().isPresent())) figures.add(Analysis.power(result));
        return figures;
    }

    private static void image(StringBuilder h, Figure<XYChart> figure) {
        h.append("<img alt=\"").append(escape(figure.chart().getTitle())).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(figure.png())).append("\">\n");
    }

    /** A tier's figure as it was written: {@code 20}, {@code 30.5}. */
    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String format(double v) {
        if (!Double.isFinite(v)) return "";
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
