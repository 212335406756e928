package io.agentload.analysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FigureTest {

    @TempDir
    Path tmp;

    @Test
    void savePngWritesTheChartAndLeavesNoTemporaryFile() throws IOException {
        Figure<XYChart> f = Analysis.inputLengths(TrajectoryAnalysisTest.tenTurns());
        Path file = tmp.resolve("charts/inputs.png");
        f.savePng(file);
        f.savePng(file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(800, image.getWidth());
        assertEquals(500, image.getHeight());
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals("Figure[" + f.chart().getTitle() + ", table input lengths (22 rows)]", f.toString());
    }

    @Test
    void aFailedWriteNamesTheFileAndKeepsWhatWasThere() throws IOException {
        Figure<XYChart> f = Analysis.outputLengths(TrajectoryAnalysisTest.tenTurns());
        Path blocker = tmp.resolve("not-a-dir");
        Files.writeString(blocker, "keep");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> f.savePng(blocker.resolve("chart.png")));
        assertTrue(e.getMessage().startsWith("cannot write " + blocker.resolve("chart.png")), e.getMessage());
        assertEquals("keep", Files.readString(blocker));
    }

    @Test
    void theDocumentedExampleRuns() {
        // The example of Analysis's Javadoc and docs/analysis.md, on the ten-turn fixture.
        var turns = TrajectoryAnalysisTest.tenTurns();
        XYChart chart = Analysis.inputLengths(turns).chart();
        assertEquals("turns", Charts.seriesNames(chart).get(0));
        assertEquals(22, Analysis.inputLengths(turns).table().rowCount());
    }
}
