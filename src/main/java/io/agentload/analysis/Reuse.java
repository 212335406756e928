package io.agentload.analysis;

import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * The share of input tokens that repeat the previous call of the session (its prompt plus its output: what a
 * prefix cache can serve), per turn index and overall, token-weighted: reused tokens over input tokens. Next to it
 * the share held by the harness's shared prefix (system prompt, tool definitions), which every session repeats and
 * which is all a cache can serve on turn 0. Charted over the turn indices that {@value ContextGrowth#CHART_SHARE_PERCENT}%
 * of sessions reach, like the context growth.
 */
final class Reuse {

    private Reuse() {
    }

    static Figure<XYChart> of(List<Session> sessions) {
        if (sessions.isEmpty()) throw new AnalysisException("no sessions to draw the reused-token share of");
        int longest = sessions.stream().mapToInt(s -> s.turns().size()).max().orElseThrow();
        long totalInput = 0, totalReused = 0;
        IntColumn turn = IntColumn.create("turn"), reached = IntColumn.create("sessions");
        LongColumn input = LongColumn.create("input_tokens"), reused = LongColumn.create("reused_tokens"),
                shared = LongColumn.create("shared_prefix_tokens");
        DoubleColumn reusedShare = DoubleColumn.create("reused_share"),
                sharedShare = DoubleColumn.create("shared_prefix_share");
        for (int k = 0; k < longest; k++) {
            int n = 0;
            long in = 0, re = 0, sh = 0;
            for (Session s : sessions) {
                if (s.turns().size() <= k) continue;
                Turn t = s.turns().get(k);
                n++;
                in += t.inputTokens();
                re += t.reusedTokens();
                sh += t.sharedPrefixTokens();
            }
            turn.append(k);
            reached.append(n);
            input.append(in);
            reused.append(re);
            shared.append(sh);
            reusedShare.append(in == 0 ? Double.NaN : (double) re / in);
            sharedShare.append(in == 0 ? Double.NaN : (double) sh / in);
            totalInput += in;
            totalReused += re;
        }
        Table table = Table.create("reused share").addColumns(turn, reached, input, reused, shared, reusedShare,
                sharedShare);
        double overall = totalInput == 0 ? Double.NaN : (double) totalReused / totalInput;

        int minSessions = (int) Math.max(1,
                Math.ceil(sessions.size() * ContextGrowth.CHART_SHARE_PERCENT / 100.0));
        Table drawn = table.where(reached.isGreaterThanOrEqualTo(minSessions));
        String scope = minSessions == 1 ? ""
                : " (reached by " + ContextGrowth.CHART_SHARE_PERCENT + "% of sessions)";
        XYChart chart = Style.xy("Input tokens reused from the previous turn", "turn index" + scope,
                "% of input tokens");
        double[] x = drawn.intColumn("turn").asDoubleArray();
        Style.wholeNumbersX(chart, x[x.length - 1]);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        XYSeries r = Style.line(chart, "reused", x,
                percent(drawn.doubleColumn("reused_share").asDoubleArray()), Style.BLUE);
        XYSeries s = Style.line(chart, "shared prefix", x,
                percent(drawn.doubleColumn("shared_prefix_share").asDoubleArray()), Style.GREEN);
        for (XYSeries series : new XYSeries[] {r, s}) {
            if (series != null && x.length > 40) series.setMarker(SeriesMarkers.NONE);
        }
        if (Double.isFinite(overall)) {
            Style.horizontal(chart, "overall reused " + Style.percent(overall), 100 * overall, x[0],
                    Math.max(x[x.length - 1], x[0] + 1), Style.VERMILLION, Style.DASHED);
        }
        return new Figure<>(table, Style.placeLegend(chart));
    }

    private static double[] percent(double[] shares) {
        double[] p = new double[shares.length];
        for (int i = 0; i < shares.length; i++) p[i] = 100 * shares[i];
        return p;
    }
}
