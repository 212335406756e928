package io.agentload.analysis;

import io.agentload.internal.AtomicWrite;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One analysis: the numbers as a Tablesaw table and the XChart chart drawn from them.
 *
 * <pre>{@code
 * Figure<XYChart> f = Analysis.inputLengths(turns);
 * f.table();                          // bins, counts and shares
 * f.savePng(Path.of("inputs.png"));   // the chart, 800 x 500
 * }</pre>
 *
 * @param table the figures behind the chart, one row per point or bar
 * @param chart the chart; change its styler before saving to restyle it
 * @param <C>   the kind of chart: {@code XYChart} or {@code CategoryChart}
 */
public record Figure<C extends Chart<?, ?>>(Table table, C chart) {

    public Figure {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chart, "chart");
    }

    /** The chart as PNG bytes, at the chart's size. */
    public byte[] png() {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw the chart '" + chart.getTitle() + "'", e);
        }
    }

    /** Writes the chart as a PNG file, through a temporary file renamed into place. */
    public void savePng(Path file) {
        byte[] bytes = png();
        try {
            AtomicWrite.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Figure[" + chart.getTitle() + ", table " + table.name() + " (" + table.rowCount() + " rows)]";
    }
}
