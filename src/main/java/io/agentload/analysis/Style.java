package io.agentload.analysis;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The look every analysis shares: 800 x 500 pixels on white, sans-serif type readable when a notebook scales the
 * image down, the legend below the plot in one row when it fits there and outside on the right otherwise (XChart's
 * horizontal legend does not wrap, and a legend beside the plot narrows it), the Okabe-Ito palette
 * (distinguishable with the common colour-vision deficiencies), logarithmic axes when values span more than a
 * decade, published reference figures as dashed grey lines and this data's own marks as solid lines.
 */
final class Style {

    static final int WIDTH = 800;
    static final int HEIGHT = 500;

    static final Color BLUE = new Color(0x00, 0x72, 0xB2);
    static final Color ORANGE = new Color(0xE6, 0x9F, 0x00);
    static final Color GREEN = new Color(0x00, 0x9E, 0x73);
    static final Color VERMILLION = new Color(0xD5, 0x5E, 0x00);
    static final Color PURPLE = new Color(0xCC, 0x79, 0xA7);
    static final Color SKY = new Color(0x56, 0xB4, 0xE9);
    static final Color YELLOW = new Color(0xF0, 0xE4, 0x42);
    static final Color GREY = new Color(0x55, 0x55, 0x55);
    /** Not Okabe-Ito: a dark blue to pair with {@link #BLUE} and {@link #SKY} as shades of one quantity. */
    static final Color NAVY = new Color(0x1B, 0x3A, 0x6B);
    /** Colours for series that are alike, in order: systems, workloads. */
    static final Color[] PALETTE = {BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, GREY};

    static final BasicStroke SOLID = new BasicStroke(2f);
    static final BasicStroke THIN = new BasicStroke(1.2f);
    static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);
    static final BasicStroke DOTTED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {2f, 3f}, 0f);

    /** Tick labels on logarithmic axes: XChart applies a decimal pattern there, never a custom formatter. */
    private static final String LOG_PATTERN = "#,##0.###";
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    /** Pixels a legend entry takes besides its text: the marker or swatch and the gaps around it (XChart 3.8). */
    private static final int LEGEND_ENTRY_EXTRA = 44;

    private Style() {
    }

    /** An empty XY chart with the shared look. */
    static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        common(chart.getStyler());
        chart.getStyler().setMarkerSize(7);
        return chart;
    }

    /** An empty bar chart with the shared look. */
    static CategoryChart category(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        common(chart.getStyler());
        chart.getStyler().setAvailableSpaceFill(0.8);
        return chart;
    }

    private static void common(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(Color.LIGHT_GRAY);
        s.setPlotGridLinesColor(new Color(0xE3, 0xE3, 0xE3));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendFont(LEGEND_FONT);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setXAxisTickMarkSpacingHint(90);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setSeriesColors(PALETTE);
        s.setLocale(Locale.ROOT);
        s.setDecimalPattern("#,##0.###");
        s.setAntiAlias(true);
    }

    /**
     * Puts the legend below the plot in one row when its entries fit the chart's width, else outside on the right;
     * call once every series is added.
     */
    static <C extends Chart<?, ?>> C placeLegend(C chart) {
        FontRenderContext context = new FontRenderContext(null, true, true);
        double width = 0;
        for (String name : chart.getSeriesMap().keySet()) {
            width += LEGEND_FONT.getStringBounds(name, context).getWidth() + LEGEND_ENTRY_EXTRA;
        }
        Styler s = chart.getStyler();
        if (width <= chart.getWidth() - 40) {
            s.setLegendPosition(Styler.LegendPosition.OutsideS);
            s.setLegendLayout(Styler.LegendLayout.Horizontal);
        } else {
            s.setLegendPosition(Styler.LegendPosition.OutsideE);
            s.setLegendLayout(Styler.LegendLayout.Vertical);
        }
        return chart;
    }

    /** True when the finite positive values span more than a decade: then an axis reads better logarithmic. */
    static boolean spansDecades(double... values) {
        double[] range = range(values);
        return range[1] > 10 * range[0];
    }

    /**
     * Labels a linear x axis of whole numbers from 0 or 1 up to {@code max} (turn indices, agents) at multiples of a
     * round step (1, 2, 5, 10, 20 ...) that leaves at most ten labels. XChart labels equally spaced x values itself,
     * every k-th value for the smallest k whose labels are distinct and narrower than the gap between them, and 40
     * turn indices then read as one run of digits; blank labels between the multiples are never distinct, so the k it
     * settles on is the step.
     */
    static void wholeNumbersX(XYChart chart, double max) {
        long every = roundStep(max / 10);
        chart.setCustomXAxisTickLabelsFormatter(v -> v == Math.rint(v) && (long) Math.rint(v) % every == 0
                ? String.format(Locale.ROOT, "%,.0f", v) : "");
    }

    /** The smallest of 1, 2, 5, 10, 20, 50 ... that is at least {@code atLeast}. */
    static long roundStep(double atLeast) {
        for (long decade = 1; ; decade *= 10) {
            for (long m : new long[] {1, 2, 5}) {
                if (m * decade >= atLeast) return m * decade;
            }
        }
    }

    /**
     * Makes the x axis logarithmic, labelled 1, 10, 100, 1,000 ... When the plotted {@code values} span less than two
     * decades it also ticks 2-9 times each power of ten: with ticks at powers of ten only, such an axis shows one
     * labelled tick or none (TTFTs of 0.2-6 s showed only "1"); wider axes keep one tick per decade, which stays
     * legible. Without values, one tick per decade.
     */
    static void logX(XYChart chart, double... values) {
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setXAxisDecimalPattern(LOG_PATTERN);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(!underTwoDecades(values));
    }

    /** Makes the y axis logarithmic, labelled 0.1, 1, 10 ... (and 2-9 between them, as {@link #logX} says). */
    static void logY(AxesChartStyler styler, double... values) {
        styler.setYAxisLogarithmic(true);
        styler.setYAxisDecimalPattern(LOG_PATTERN);
        styler.setYAxisLogarithmicDecadeOnly(!underTwoDecades(values));
    }

    /** Whether the positive finite {@code values} span less than two decades (false when there are none). */
    static boolean underTwoDecades(double... values) {
        double[] range = range(values);
        return range[1] > 0 && range[1] < 100 * range[0];
    }

    /** The smallest and largest positive finite values; {+infinity, 0} when there is none. */
    private static double[] range(double... values) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (double v : values) {
            if (!(v > 0) || Double.isInfinite(v)) continue;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new double[] {min, max};
    }

    /**
     * Adds a line through the points whose x and y are finite (and positive on a logarithmic axis), with markers;
     * returns null and adds nothing when no point is left, since XChart cannot draw an empty series on a log axis.
     */
    static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color) {
        boolean logX = chart.getStyler().isXAxisLogarithmic(), logY = chart.getStyler().isYAxisLogarithmic();
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i]) || logX && x[i] <= 0 || logY && y[i] <= 0) continue;
            xs.add(x[i]);
            ys.add(y[i]);
        }
        if (xs.isEmpty()) return null;
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setLineStyle(SOLID);
        s.setMarker(SeriesMarkers.CIRCLE);
        return s;
    }

    /** A vertical mark at {@code x} from 0 to {@code top}: a reference figure (dashed) or this data's (solid). */
    static XYSeries vertical(XYChart chart, String name, double x, double top, Color color, BasicStroke stroke) {
        XYSeries s = chart.addSeries(name, new double[] {x, x}, new double[] {0, top});
        s.setLineColor(color);
        s.setLineStyle(stroke);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    /** A horizontal mark at {@code y} from {@code from} to {@code to}, such as a tier's limit. */
    static XYSeries horizontal(XYChart chart, String name, double y, double from, double to, Color color,
                               BasicStroke stroke) {
        XYSeries s = chart.addSeries(name, new double[] {from, to}, new double[] {y, y});
        s.setLineColor(color);
        s.setLineStyle(stroke);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    /** A token count as people quote it: 150, 4.5K, 27K, 131K, 1.2M. */
    static String tokens(double v) {
        if (Math.abs(v) < 999.5) return trim(String.format(Locale.ROOT, "%.0f", v));
        if (Math.abs(v) < 999_500) return trim(String.format(Locale.ROOT, "%.3g", v / 1000)) + "K";
        return trim(String.format(Locale.ROOT, "%.3g", v / 1e6)) + "M";
    }

    /** A duration given in milliseconds: 53 ms, 214 ms, 4.3 s. */
    static String milliseconds(double ms) {
        if (ms < 999.5) return trim(String.format(Locale.ROOT, "%.3g", ms)) + " ms";
        return trim(String.format(Locale.ROOT, "%.3g", ms / 1000)) + " s";
    }

    /** A share as a percentage with one decimal: 93.1%. */
    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    /** A number without a needless fraction: 20, 1.5, 0.95. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : trim(String.format(Locale.ROOT, "%.4g", v));
    }

    private static String trim(String s) {
        if (!s.contains(".") || s.contains("e")) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
