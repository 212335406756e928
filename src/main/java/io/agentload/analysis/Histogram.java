package io.agentload.analysis;

import io.agentload.internal.ExactPercentiles;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A distribution of per-turn integers in {@link LogBins} as a table ({@code from_<unit>, to_<unit>, turns, share})
 * and a filled step outline on a logarithmic x axis, with the share of turns in percent on y; marks are vertical
 * lines added by the caller. Zeros are counted in the table and named in the title, since a logarithmic axis has no
 * place for them.
 */
final class Histogram {

    private static final Color FILL = new Color(0x00, 0x72, 0xB2, 110);

    private final long[] sorted;
    private final Table table;
    private final XYChart chart;
    private final double top;

    Histogram(String tableName, long[] values, int binsPerDecade, String unit, String title, String xTitle) {
        if (values.length == 0) throw new AnalysisException("no turns to draw the " + tableName + " of");
        sorted = values.clone();
        Arrays.sort(sorted);
        List<LogBins.Bin> bins = LogBins.of(values, binsPerDecade);
        LongColumn from = LongColumn.create("from_" + unit), to = LongColumn.create("to_" + unit),
                turns = LongColumn.create("turns");
        DoubleColumn share = DoubleColumn.create("share");
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        long zeros = 0;
        double highest = 0;
        for (LogBins.Bin b : bins) {
            double s = (double) b.count() / values.length;
            from.append(b.from());
            to.append(b.to());
            turns.append(b.count());
            share.append(s);
            if (b.from() == 0) {
                zeros = b.count();
                continue;
            }
            xs.add((double) b.from());
            ys.add(100 * s);
            xs.add((double) b.to());
            ys.add(100 * s);
            highest = Math.max(highest, 100 * s);
        }
        table = Table.create(tableName).addColumns(from, to, turns, share);
        String zeroNote = zeros == 0 ? "" : "; " + Style.percent((double) zeros / values.length) + " at 0, off the axis";
        chart = Style.xy(title + " (" + String.format(Locale.ROOT, "%,d", values.length) + " turns"
                + zeroNote + ")", xTitle + " (log scale)", "% of turns");
        Style.logX(chart);
        chart.getStyler().setYAxisMin(0.0);
        top = highest * 1.08;
        if (!xs.isEmpty()) {
            XYSeries area = chart.addSeries("turns", xs, ys);
            area.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            area.setMarker(SeriesMarkers.NONE);
            area.setLineColor(Style.BLUE);
            area.setFillColor(FILL);
            area.setLineStyle(Style.THIN);
        }
    }

    /** The mean of all values, zeros included. */
    double mean() {
        return Arrays.stream(sorted).average().orElseThrow();
    }

    /** The {@code p}-th percentile of all values, linearly interpolated. */
    double percentile(double p) {
        return ExactPercentiles.ofSorted(Arrays.stream(sorted).asDoubleStream().toArray(), p);
    }

    /** A vertical line at {@code x} across the bars; nothing when x is not positive (off the log axis). */
    Histogram mark(String name, double x, Color color, BasicStroke stroke) {
        if (x > 0 && top > 0) Style.vertical(chart, name, x, top, color, stroke);
        return this;
    }

    Figure<XYChart> figure() {
        return new Figure<>(table, Style.placeLegend(chart));
    }
}
