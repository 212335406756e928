package io.agentload.analysis;

import io.agentload.replay.SloResult;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * The share of each trial's judged agents that met each tier against concurrency, with the share each tier needs as a
 * dashed line: a tier passes a trial where its line is on or above that mark.
 */
final class TierShares {

    private TierShares() {
    }

    static Figure<XYChart> of(SloResult result) {
        List<TrialMetrics> trials = SloCurves.byAgents(result);
        List<SloTier> tiers = result.tiers().stream().map(SloResult.TierResult::tier).toList();
        Table table = Table.create("share of agents meeting each tier").addColumns(
                IntColumn.create("agents", trials.stream().mapToInt(TrialMetrics::agents).toArray()),
                IntColumn.create("trial", trials.stream().mapToInt(TrialMetrics::trial).toArray()));
        double[] x = table.intColumn("agents").asDoubleArray();
        XYChart chart = Style.xy("Agents meeting each tier against concurrency", "concurrent agents",
                "share of judged agents meeting the tier");
        if (Style.spansDecades(x)) Style.logX(chart, x);
        else Style.wholeNumbersX(chart, x[x.length - 1]);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        for (int i = 0; i < tiers.size(); i++) {
            SloTier tier = tiers.get(i);
            DoubleColumn share = DoubleColumn.create("share_passing " + Tiers.name(tier),
                    trials.stream().mapToDouble(m -> m.check(tier).sharePassing()));
            table.addColumns(share);
            Style.line(chart, Tiers.name(tier), x, share.asDoubleArray(), SloCurves.tierColor(i));
        }
        double lo = x[0], hi = Math.max(x[x.length - 1], lo + 1);
        for (double needed : tiers.stream().mapToDouble(SloTier::percentileOfAgents).distinct().toArray()) {
            Style.horizontal(chart, Style.number(100 * needed) + "% needed", needed, lo, hi, Style.GREY, Style.DASHED);
        }
        return new Figure<>(table, Style.placeLegend(chart));
    }
}
