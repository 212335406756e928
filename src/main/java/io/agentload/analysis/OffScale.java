package io.agentload.analysis;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.DoubleFunction;

/**
 * Values that a chart's y axis cannot show, drawn at its edge instead of left out: a percentile that is infinite or
 * undefined (an agent that failed a request or was held through the window counts as TTFT infinite and speed 0), or
 * not positive on a logarithmic axis. Left out, they end a line where the overload begins and the chart reads as if
 * the tail stayed low. Pinned, the line climbs to the top (or falls to the bottom) of the plot, and each reason gets
 * a black triangle at those points, up at the top and down at the bottom, with the reason as its legend entry.
 */
final class OffScale {

    /** Where a value off the scale is drawn, and the legend entry that says why it is there. */
    record Reason(boolean top, String label) {
    }

    /** Which values an axis cannot show. */
    @FunctionalInterface
    interface Rule {
        /** Why {@code value} is off the scale of a logarithmic ({@code log}) or linear axis; null when it is not. */
        Reason why(double value, boolean log);
    }

    private final DoubleFunction<Reason> why;
    private final double top;
    private final double bottom;
    /** The x of every pinned point, by reason, in the order reasons first appear. */
    private final Map<Reason, TreeSet<Double>> pinned = new LinkedHashMap<>();
    /** Rows (trials) with a value off the scale in any series. */
    private int trialsOff;

    /**
     * The scale of {@code series} (one array per line, values at the same x in each) and {@code references} (values
     * the axis must show, such as tier limits) on a logarithmic or a linear axis from 0, by {@code rule}.
     */
    OffScale(List<double[]> series, double[] references, boolean log, Rule rule) {
        this.why = v -> rule.why(v, log);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double[] ys : series) {
            for (double v : ys) {
                if (why.apply(v) != null) continue;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        for (double v : references) {
            if (why.apply(v) != null) continue;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            min = 1;
            max = 1;
        }
        // A third of a decade, or a tenth of a linear axis: far enough to read as beyond the data.
        top = log ? clearOfDecade(2 * max, 1.25) : max > 0 ? 1.1 * max : 1;
        bottom = log ? clearOfDecade(min / 2, 0.8) : Math.min(0, min);
        int rows = series.isEmpty() ? 0 : series.get(0).length;
        for (int i = 0; i < rows; i++) {
            for (double[] ys : series) {
                if (why.apply(ys[i]) != null) {
                    trialsOff++;
                    break;
                }
            }
        }
    }

    /**
     * {@code edge}, or moved by {@code away} when it lands near a power of ten: a labelled tick there would give the
     * pinned points a value they do not have.
     */
    private static double clearOfDecade(double edge, double away) {
        double decade = Math.pow(10, Math.rint(Math.log10(edge)));
        return Math.abs(Math.log10(edge / decade)) < 0.05 ? decade * away : edge;
    }

    /** {@code y} with every value off the scale replaced by its edge, noting where it was pinned for the marks. */
    double[] pin(double[] x, double[] y) {
        double[] out = y.clone();
        for (int i = 0; i < y.length; i++) {
            Reason r = why.apply(y[i]);
            if (r == null) continue;
            out[i] = r.top() ? top : bottom;
            pinned.computeIfAbsent(r, k -> new TreeSet<>()).add(x[i]);
        }
        return out;
    }

    /**
     * Fixes the y axis at the edges that points were pinned to, so they sit on the plot's border, and adds one series
     * of triangles per reason; call after every {@link #pin}.
     */
    void mark(XYChart chart) {
        for (Map.Entry<Reason, TreeSet<Double>> e : pinned.entrySet()) {
            boolean up = e.getKey().top();
            if (up) chart.getStyler().setYAxisMax(top);
            else chart.getStyler().setYAxisMin(bottom);
            double[] xs = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            double[] ys = new double[xs.length];
            Arrays.fill(ys, up ? top : bottom);
            XYSeries s = chart.addSeries(e.getKey().label(), xs, ys);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(up ? Arrowhead.UP : Arrowhead.DOWN);
            s.setMarkerColor(Color.BLACK);
        }
    }

    /** {@code title} with the trials off the scale counted, as "(off the scale: 3 trials)"; unchanged when none. */
    String title(String title) {
        return trialsOff == 0 ? title
                : title + " (off the scale: " + trialsOff + (trialsOff == 1 ? " trial)" : " trials)");
    }

    /**
     * A triangle half again as large as the chart's markers, outlined in white, so that it stands out over the
     * line's own marker at the same point.
     */
    static final class Arrowhead extends Marker {

        static final Arrowhead UP = new Arrowhead(true);
        static final Arrowhead DOWN = new Arrowhead(false);
        private static final BasicStroke OUTLINE = new BasicStroke(1f);

        private final boolean up;

        private Arrowhead(boolean up) {
            this.up = up;
        }

        @Override
        public void paint(Graphics2D g, double x, double y, int size) {
            double half = 0.75 * size, tip = up ? -1 : 1;
            Path2D.Double path = new Path2D.Double();
            path.moveTo(x - half, y - tip * half);
            path.lineTo(x + half, y - tip * half);
            path.lineTo(x, y + tip * half);
            path.closePath();
            Color fill = g.getColor();
            g.fill(path);
            g.setColor(Color.WHITE);
            g.setStroke(OUTLINE);
            g.draw(path);
            g.setColor(fill);
        }
    }
}
