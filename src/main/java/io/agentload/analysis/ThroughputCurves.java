package io.agentload.analysis;

import io.agentload.replay.SloResult;
import io.agentload.replay.TrialMetrics;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * What the system delivered at each concurrency of a search: throughput (successful measured requests' output
 * tokens and requests per second of window, in total and per GPU) and, when trials carry it, mean power with the
 * energy per output token and the agents each megawatt carried at that trial (whether or not a tier passed there).
 */
final class ThroughputCurves {

    private ThroughputCurves() {
    }

    static Figure<XYChart> throughput(SloResult result) {
        List<TrialMetrics> trials = SloCurves.byAgents(result);
        int gpus = result.gpus();
        Table table = Table.create("throughput").addColumns(
                IntColumn.create("agents", trials.stream().mapToInt(TrialMetrics::agents).toArray()),
                IntColumn.create("trial", trials.stream().mapToInt(TrialMetrics::trial).toArray()),
                DoubleColumn.create("output_tps", trials.stream().mapToDouble(TrialMetrics::outputTokensPerSecond)),
                DoubleColumn.create("requests_per_s", trials.stream().mapToDouble(TrialMetrics::requestsPerSecond)),
                DoubleColumn.create("output_tps_per_gpu",
                        trials.stream().mapToDouble(m -> m.outputTokensPerSecond() / gpus)),
                DoubleColumn.create("requests_per_s_per_gpu",
                        trials.stream().mapToDouble(m -> m.requestsPerSecond() / gpus)),
                DoubleColumn.create("cached_token_ratio", trials.stream().mapToDouble(TrialMetrics::cachedTokenRatio)));
        double[] x = table.intColumn("agents").asDoubleArray();
        XYChart chart = Style.xy("Throughput per GPU against concurrency (" + gpus + (gpus == 1 ? " GPU)" : " GPUs)"),
                "concurrent agents", "output tokens/s per GPU");
        if (Style.spansDecades(x)) Style.logX(chart, x);
        else Style.wholeNumbersX(chart, x[x.length - 1]);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        Style.line(chart, "output tok/s per GPU", x, table.doubleColumn("output_tps_per_gpu").asDoubleArray(),
                Style.BLUE);
        XYSeries rps = Style.line(chart, "requests/s per GPU (right axis)", x,
                table.doubleColumn("requests_per_s_per_gpu").asDoubleArray(), Style.ORANGE);
        if (rps != null) {
            rps.setYAxisGroup(1);
            rps.setLineStyle(Style.DASHED);
            chart.setYAxisGroupTitle(1, "requests/s per GPU");
        }
        return new Figure<>(table, Style.placeLegend(chart));
    }

    static Figure<XYChart> power(SloResult result) {
        List<TrialMetrics> trials = SloCurves.byAgents(result).stream().filter(m -> m.power().isPresent()).toList();
        if (trials.isEmpty()) throw new AnalysisException("no trial of the SLO result carries a power reading");
        Table table = Table.create("power").addColumns(
                IntColumn.create("agents", trials.stream().mapToInt(TrialMetrics::agents).toArray()),
                IntColumn.create("trial", trials.stream().mapToInt(TrialMetrics::trial).toArray()),
                DoubleColumn.create("mean_power_w", trials.stream().mapToDouble(m -> m.meanWatts())),
                StringColumn.create("power_boundary", trials.stream().map(m -> m.power().get().boundary())),
                DoubleColumn.create("output_tps", trials.stream().mapToDouble(TrialMetrics::outputTokensPerSecond)),
                DoubleColumn.create("output_tokens_per_joule",
                        trials.stream().mapToDouble(m -> m.outputTokensPerSecond() / m.meanWatts())),
                DoubleColumn.create("agents_per_mw",
                        trials.stream().mapToDouble(m -> m.agents() / (m.meanWatts() / 1e6))));
        String boundaries = String.join("; ", table.stringColumn("power_boundary").unique().asList());
        double[] x = table.intColumn("agents").asDoubleArray();
        XYChart chart = Style.xy("Power against concurrency: " + boundaries, "concurrent agents",
                "mean power (W)");
        if (Style.spansDecades(x)) Style.logX(chart, x);
        else Style.wholeNumbersX(chart, x[x.length - 1]);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        Style.line(chart, "mean power (W)", x, table.doubleColumn("mean_power_w").asDoubleArray(), Style.VERMILLION);
        XYSeries perJoule = Style.line(chart, "output tokens per joule (right axis)", x,
                table.doubleColumn("output_tokens_per_joule").asDoubleArray(), Style.GREEN);
        if (perJoule != null) {
            perJoule.setYAxisGroup(1);
            perJoule.setLineStyle(Style.DASHED);
            chart.setYAxisGroupTitle(1, "output tokens per joule");
        }
        return new Figure<>(table, Style.placeLegend(chart));
    }
}
