package io.agentload.analysis;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks on rendered figures shared by the analysis tests. */
final class Charts {

    private Charts() {
    }

    /** Renders the figure to PNG, decodes it and checks its size and that it is not blank. */
    static BufferedImage rendered(Figure<?> figure) {
        byte[] png = figure.png();
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertNotNull(image, "a PNG that ImageIO decodes");
            assertEquals(800, image.getWidth());
            assertEquals(500, image.getHeight());
            int first = image.getRGB(0, 0);
            boolean varied = false;
            for (int y = 0; y < image.getHeight() && !varied; y += 7) {
                for (int x = 0; x < image.getWidth() && !varied; x += 7) varied = image.getRGB(x, y) != first;
            }
            assertTrue(varied, "the image shows something");
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chart's series names, in the order they were added. */
    static List<String> seriesNames(Chart<?, ?> chart) {
        return List.copyOf(chart.getSeriesMap().keySet());
    }

    /** The x and y data of one series of an XY chart. */
    static double[][] xy(XYChart chart, String series) {
        XYSeries s = chart.getSeriesMap().get(series);
        assertNotNull(s, "series '" + series + "' in " + seriesNames(chart));
        return new double[][] {s.getXData(), s.getYData()};
    }
}
