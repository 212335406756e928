package io.agentload.analysis;

import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sessions by the language of their repository: how many, how long, how large their prompts and outputs, and how
 * much of their input repeats the previous call. A session's turns count under the language of its turn 0, as
 * {@code Trajectories.sessions} assigns it; sessions without a language are listed as {@value #NONE}.
 */
final class Languages {

    static final String NONE = "(none)";

    private Languages() {
    }

    private static final class Tally {
        int sessions;
        int turns;
        long input;
        long output;
        long reused;
    }

    static Figure<CategoryChart> of(List<Session> sessions) {
        if (sessions.isEmpty()) throw new AnalysisException("no sessions to break down by language");
        Map<String, Tally> byLanguage = new LinkedHashMap<>();
        for (Session s : sessions) {
            Tally t = byLanguage.computeIfAbsent(s.language().isEmpty() ? NONE : s.language(), k -> new Tally());
            t.sessions++;
            for (Turn turn : s.turns()) {
                t.turns++;
                t.input += turn.inputTokens();
                t.output += turn.outputTokens();
                t.reused += turn.reusedTokens();
            }
        }
        List<Map.Entry<String, Tally>> rows = new ArrayList<>(byLanguage.entrySet());
        rows.sort(Comparator.comparing((Map.Entry<String, Tally> e) -> -e.getValue().sessions)
                .thenComparing(Map.Entry::getKey));

        StringColumn language = StringColumn.create("language");
        IntColumn sessionCount = IntColumn.create("sessions"), turns = IntColumn.create("turns");
        DoubleColumn sessionShare = DoubleColumn.create("session_share"),
                turnsPerSession = DoubleColumn.create("mean_turns_per_session"),
                meanInput = DoubleColumn.create("mean_input_tokens"),
                meanOutput = DoubleColumn.create("mean_output_tokens"),
                reusedShare = DoubleColumn.create("reused_share");
        for (Map.Entry<String, Tally> e : rows) {
            Tally t = e.getValue();
            language.append(e.getKey());
            sessionCount.append(t.sessions);
            turns.append(t.turns);
            sessionShare.append((double) t.sessions / sessions.size());
            turnsPerSession.append((double) t.turns / t.sessions);
            meanInput.append((double) t.input / t.turns);
            meanOutput.append((double) t.output / t.turns);
            reusedShare.append(t.input == 0 ? Double.NaN : (double) t.reused / t.input);
        }
        Table table = Table.create("languages").addColumns(language, sessionCount, turns, sessionShare,
                turnsPerSession, meanInput, meanOutput, reusedShare);

        CategoryChart chart = Style.category(String.format(Locale.ROOT, "Sessions by language (%,d sessions, %d %s)",
                sessions.size(), rows.size(), rows.size() == 1 ? "language" : "languages"), "language",
                "% of sessions");
        // One bar series: overlapping puts the line's markers over the bars' centres instead of in a slot beside them.
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(rows.size() > 6 ? 45 : 0);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        List<String> names = language.asList();
        List<Double> shares = sessionShare.asList().stream().map(v -> 100 * v).toList();
        CategorySeries bars = chart.addSeries("% of sessions", names, shares);
        bars.setFillColor(Style.BLUE);
        CategorySeries input = chart.addSeries("mean input tokens", names, meanInput.asList());
        input.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        input.setYAxisGroup(1);
        input.setLineColor(Style.ORANGE);
        input.setMarkerColor(Style.ORANGE);
        input.setMarker(SeriesMarkers.DIAMOND);
        chart.setYAxisGroupTitle(1, "mean input tokens per turn");
        chart.getStyler().setYAxisMin(1, 0.0);
        return new Figure<>(table, Style.placeLegend(chart));
    }
}
