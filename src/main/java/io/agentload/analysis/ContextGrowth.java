package io.agentload.analysis;

import io.agentload.internal.ExactPercentiles;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the context (input tokens) grows with the turn index: mean and p10/p50/p90 over the sessions that reach each
 * turn, and the compactions at each turn, a compaction being a turn whose input is smaller than the previous turn's
 * (the context shrank). The table lists every turn index; the chart draws the indices that at least
 * {@value #CHART_SHARE_PERCENT}% of sessions reach, since the last few sessions' tail is noise, and the published
 * maximum context when the p90 comes within half of it.
 */
final class ContextGrowth {

    static final int CHART_SHARE_PERCENT = 5;

    private ContextGrowth() {
    }

    static Figure<XYChart> of(List<Session> sessions) {
        if (sessions.isEmpty()) throw new AnalysisException("no sessions to draw the context growth of");
        int longest = sessions.stream().mapToInt(s -> s.turns().size()).max().orElseThrow();
        IntColumn turn = IntColumn.create("turn"), reached = IntColumn.create("sessions"),
                compactions = IntColumn.create("compactions");
        DoubleColumn mean = DoubleColumn.create("mean_input_tokens"), p10 = DoubleColumn.create("p10_input_tokens"),
                p50 = DoubleColumn.create("p50_input_tokens"), p90 = DoubleColumn.create("p90_input_tokens");
        for (int k = 0; k < longest; k++) {
            List<Double> inputs = new ArrayList<>();
            int shrank = 0;
            for (Session s : sessions) {
                if (s.turns().size() <= k) continue;
                Turn t = s.turns().get(k);
                inputs.add((double) t.inputTokens());
                if (k > 0 && t.inputTokens() < s.turns().get(k - 1).inputTokens()) shrank++;
            }
            double[] sorted = inputs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            turn.append(k);
            reached.append(sorted.length);
            compactions.append(shrank);
            mean.append(inputs.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
            p10.append(ExactPercentiles.ofSorted(sorted, 0.1));
            p50.append(ExactPercentiles.ofSorted(sorted, 0.5));
            p90.append(ExactPercentiles.ofSorted(sorted, 0.9));
        }
        Table table = Table.create("context growth").addColumns(turn, reached, mean, p10, p50, p90, compactions);

        int minSessions = (int) Math.max(1, Math.ceil(sessions.size() * CHART_SHARE_PERCENT / 100.0));
        Table drawn = table.where(reached.isGreaterThanOrEqualTo(minSessions));
        String scope = minSessions == 1 ? "" : " (reached by " + CHART_SHARE_PERCENT + "% of sessions)";
        XYChart chart = Style.xy(String.format(Locale.ROOT, "Context growth over turns (%,d sessions)", sessions.size()),
                "turn index" + scope, "input tokens");
        double[] x = drawn.intColumn("turn").asDoubleArray();
        Style.wholeNumbersX(chart, x[x.length - 1]);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        thin(Style.line(chart, "p90", x, drawn.doubleColumn("p90_input_tokens").asDoubleArray(), Style.SKY), true);
        thin(Style.line(chart, "p50", x, drawn.doubleColumn("p50_input_tokens").asDoubleArray(), Style.BLUE), false);
        thin(Style.line(chart, "p10", x, drawn.doubleColumn("p10_input_tokens").asDoubleArray(), Style.SKY), true);
        XYSeries m = Style.line(chart, "mean", x, drawn.doubleColumn("mean_input_tokens").asDoubleArray(),
                Style.VERMILLION);
        m.setMarker(SeriesMarkers.NONE);
        double highest = drawn.doubleColumn("p90_input_tokens").max();
        if (highest >= Distributions.PUBLISHED_MAX_INPUT_TOKENS / 2) {
            Style.horizontal(chart, "published max ~131K", Distributions.PUBLISHED_MAX_INPUT_TOKENS, x[0],
                    Math.max(x[x.length - 1], x[0] + 1), Style.GREY, Style.DOTTED);
        }
        double[] shares = new double[x.length];
        boolean anyCompaction = false;
        for (int i = 0; i < x.length; i++) {
            int c = drawn.intColumn("compactions").getInt(i);
            shares[i] = c == 0 ? Double.NaN : 100.0 * c / drawn.intColumn("sessions").getInt(i);
            anyCompaction |= c > 0;
        }
        if (anyCompaction) {
            XYSeries c = Style.line(chart, "compactions (right axis)", x, shares, Style.GREY);
            c.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            c.setMarker(SeriesMarkers.TRIANGLE_DOWN);
            c.setYAxisGroup(1);
            chart.setYAxisGroupTitle(1, "compactions (% of sessions at the turn)");
            chart.getStyler().setYAxisMin(1, 0.0);
        }
        return new Figure<>(table, Style.placeLegend(chart));
    }

    private static void thin(XYSeries s, boolean dashed) {
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(dashed ? Style.DASHED : Style.SOLID);
    }
}
