package io.agentload.analysis;

import io.agentload.power.Boundary;
import io.agentload.power.PowerSample;
import io.agentload.power.PowerSamples;
import io.agentload.power.PowerSummary;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * Power readings over a run's clock: every reading as a table row, and per boundary the total of the readings taken
 * at each time (the devices of one poll share its time stamp), so eight GPUs polled together draw one line of their
 * sum. With a window, its edges and each boundary's time-weighted mean over it ({@link PowerSamples#summary}) are
 * drawn too: the figure Agents per Megawatt divides by.
 */
final class PowerTrace {

    private static final Color[] BY_BOUNDARY = {Style.BLUE, Style.ORANGE, Style.GREEN};
    /** Darker companions for the window means, which must stand out against noisy readings of the same boundary. */
    private static final Color[] MEAN_BY_BOUNDARY = {Style.NAVY, Style.VERMILLION, Style.GREY};

    private PowerTrace() {
    }

    static Figure<XYChart> of(PowerSamples samples, double startTime, double endTime) {
        List<PowerSample> rows = samples.samples();
        if (rows.isEmpty()) throw new AnalysisException("no power samples to draw");
        boolean window = !Double.isNaN(startTime);
        if (window && !(endTime > startTime)) {
            throw new AnalysisException("power window [" + startTime + ", " + endTime + "] s is empty");
        }
        DoubleColumn time = DoubleColumn.create("time_s"), watts = DoubleColumn.create("watts"),
                energy = DoubleColumn.create("energy_j");
        StringColumn device = StringColumn.create("device"), source = StringColumn.create("source"),
                boundary = StringColumn.create("boundary");
        Set<String> sources = new LinkedHashSet<>();
        for (PowerSample s : rows) {
            time.append(s.time());
            device.append(s.device());
            watts.append(s.watts());
            energy.append(s.energyJoules());
            source.append(s.source());
            boundary.append(s.boundary().label());
            sources.add(s.source());
        }
        Table table = Table.create("power samples").addColumns(time, device, watts, energy, source, boundary);

        XYChart chart = Style.xy("Power over time (" + String.join(", ", sources) + ", every "
                + Style.milliseconds(samples.interval().toNanos() / 1e6) + ")", "time on the run's clock (s)", "W");
        chart.getStyler().setYAxisMin(0.0);
        double top = 0;
        for (Boundary b : samples.boundaries()) {
            TreeMap<Double, Double> totals = new TreeMap<>();
            Set<String> devices = new LinkedHashSet<>();
            for (PowerSample s : rows) {
                if (s.boundary() != b || !s.hasWatts()) continue;
                totals.merge(s.time(), s.watts(), Double::sum);
                devices.add(s.device());
            }
            if (totals.isEmpty()) continue;
            Color colour = BY_BOUNDARY[b.ordinal()];
            String name = b.label() + " boundary" + (devices.size() == 1 ? "" : ", sum of " + devices.size() + " devices");
            XYSeries line = Style.line(chart, name, totals.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                    totals.values().stream().mapToDouble(Double::doubleValue).toArray(), colour);
            if (line != null && totals.size() > 40) line.setMarker(SeriesMarkers.NONE);
            top = Math.max(top, totals.values().stream().mapToDouble(Double::doubleValue).max().orElse(0));
            if (window) {
                PowerSummary summary = samples.summary(startTime, endTime, b);
                if (Double.isFinite(summary.meanWatts())) {
                    Style.horizontal(chart, String.format(Locale.ROOT, "%s mean %,.0f W", b.label(), summary.meanWatts()),
                            summary.meanWatts(), startTime, endTime, MEAN_BY_BOUNDARY[b.ordinal()], Style.DASHED);
                }
            }
        }
        if (window) {
            Style.vertical(chart, "measurement window", startTime, top * 1.05, Style.GREY, Style.DOTTED);
            Style.vertical(chart, "window end", endTime, top * 1.05, Style.GREY, Style.DOTTED).setShowInLegend(false);
        }
        return new Figure<>(table, Style.placeLegend(chart));
    }
}
