package io.agentload.analysis;

import io.agentload.internal.ExactPercentiles;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.Turn;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turn tables side by side: the figures that tell agentic traffic from chat traffic (turns per session, prompt and
 * output lengths, the input-to-output ratio, reuse, tool time, subagent sessions and compactions), one row per
 * workload, and each workload's prompt lengths as a cumulative share of turns on a logarithmic axis with the
 * published coding-agent range and mean.
 */
final class Workloads {

    /** Steps of a cumulative line: every half percentile, enough for a smooth curve on 800 pixels. */
    private static final int STEPS = 200;

    private Workloads() {
    }

    static Figure<XYChart> of(Map<String, Table> byName) {
        if (byName.isEmpty()) throw new AnalysisException("no workloads to compare");
        StringColumn workload = StringColumn.create("workload");
        IntColumn sessionCount = IntColumn.create("sessions"), turnCount = IntColumn.create("turns");
        DoubleColumn turnsP50 = DoubleColumn.create("turns_per_session_p50"),
                turnsMax = DoubleColumn.create("turns_per_session_max"),
                inputMean = DoubleColumn.create("input_tokens_mean"),
                inputP50 = DoubleColumn.create("input_tokens_p50"),
                inputP90 = DoubleColumn.create("input_tokens_p90"),
                inputMax = DoubleColumn.create("input_tokens_max"),
                outputP50 = DoubleColumn.create("output_tokens_p50"),
                outputP95 = DoubleColumn.create("output_tokens_p95"),
                inputPerOutput = DoubleColumn.create("input_per_output_token"),
                reusedShare = DoubleColumn.create("reused_share"),
                toolP50 = DoubleColumn.create("tool_time_p50_ms"),
                toolP99 = DoubleColumn.create("tool_time_p99_ms");
        IntColumn subagentCount = IntColumn.create("subagent_sessions"),
                compactionCount = IntColumn.create("compactions");

        XYChart chart = Style.xy("Input tokens per turn, cumulative (" + byName.size()
                + (byName.size() == 1 ? " workload)" : " workloads)"), "input tokens (log scale)", "% of turns at or below");
        Style.logX(chart);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        int colour = 0;
        for (Map.Entry<String, Table> e : byName.entrySet()) {
            List<Session> sessions = Trajectories.sessions(e.getValue());
            List<Turn> turns = sessions.stream().flatMap(s -> s.turns().stream()).toList();
            if (turns.isEmpty()) throw new AnalysisException("workload '" + e.getKey() + "' has no turns");
            double[] input = turns.stream().mapToDouble(Turn::inputTokens).sorted().toArray();
            double[] output = turns.stream().mapToDouble(Turn::outputTokens).sorted().toArray();
            double[] tool = turns.stream().mapToDouble(Turn::toolTimeMs).sorted().toArray();
            double[] lengths = sessions.stream().mapToDouble(s -> s.turns().size()).sorted().toArray();
            double inputSum = 0, outputSum = 0, reusedSum = 0;
            for (Turn t : turns) {
                inputSum += t.inputTokens();
                outputSum += t.outputTokens();
                reusedSum += t.reusedTokens();
            }
            workload.append(e.getKey());
            sessionCount.append(sessions.size());
            turnCount.append(turns.size());
            turnsP50.append(ExactPercentiles.ofSorted(lengths, 0.5));
            turnsMax.append(lengths[lengths.length - 1]);
            inputMean.append(inputSum / turns.size());
            inputP50.append(ExactPercentiles.ofSorted(input, 0.5));
            inputP90.append(ExactPercentiles.ofSorted(input, 0.9));
            inputMax.append(input[input.length - 1]);
            outputP50.append(ExactPercentiles.ofSorted(output, 0.5));
            outputP95.append(ExactPercentiles.ofSorted(output, 0.95));
            inputPerOutput.append(outputSum == 0 ? Double.NaN : inputSum / outputSum);
            reusedShare.append(inputSum == 0 ? Double.NaN : reusedSum / inputSum);
            toolP50.append(ExactPercentiles.ofSorted(tool, 0.5));
            toolP99.append(ExactPercentiles.ofSorted(tool, 0.99));
            subagentCount.append((int) sessions.stream().filter(Session::subagent).count());
            compactionCount.append(sessions.stream().mapToInt(Session::compactions).sum());
            cumulative(chart, e.getKey(), input, Style.PALETTE[colour++ % Style.PALETTE.length]);
        }
        Style.vertical(chart, "published ~5K to ~131K", Distributions.PUBLISHED_MIN_INPUT_TOKENS, 100, Style.GREY,
                Style.DOTTED);
        XYSeries max = Style.vertical(chart, "published max", Distributions.PUBLISHED_MAX_INPUT_TOKENS, 100,
                Style.GREY, Style.DOTTED);
        max.setShowInLegend(false);
        Style.vertical(chart, "published mean ~27K", Distributions.PUBLISHED_MEAN_INPUT_TOKENS, 100, Style.GREY,
                Style.DASHED);
        Table table = Table.create("workloads").addColumns(workload, sessionCount, turnCount, turnsP50, turnsMax,
                inputMean, inputP50, inputP90, inputMax, outputP50, outputP95, inputPerOutput, reusedShare, toolP50,
                toolP99, subagentCount, compactionCount);
        return new Figure<>(table, Style.placeLegend(chart));
    }

    /**
     * The share of turns at or below each input length (the empirical distribution function), from 0 just at the
     * smallest value, at every half percentile of the sorted values. Exact shares rather than a regular grid of
     * percentiles: XChart takes evenly spaced y values for tick positions and would label every one of them.
     */
    private static void cumulative(XYChart chart, String name, double[] sorted, Color color) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        x.add(sorted[0]);
        y.add(0.0);
        for (int k = 0; k <= STEPS; k++) {
            double value = sorted[(int) Math.round((double) k * (sorted.length - 1) / STEPS)];
            double share = 100.0 * atOrBelow(sorted, value) / sorted.length;
            if (x.get(x.size() - 1) == value && y.get(y.size() - 1) > 0) {
                y.set(y.size() - 1, share);
            } else {
                x.add(value);
                y.add(share);
            }
        }
        XYSeries s = Style.line(chart, String.format(Locale.ROOT, "%s (mean %s)", name,
                Style.tokens(Arrays.stream(sorted).average().orElseThrow())),
                x.stream().mapToDouble(Double::doubleValue).toArray(), y.stream().mapToDouble(Double::doubleValue).toArray(),
                color);
        if (s != null) s.setMarker(SeriesMarkers.NONE);
    }

    /** How many of the sorted values are at most {@code value}. */
    private static int atOrBelow(double[] sorted, double value) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
