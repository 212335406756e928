package io.agentload.analysis;

import io.agentload.trajectory.Trajectories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

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
    void theDocumentedExampleRuns() throws IOException {
        // Analysis's Javadoc and the first example of docs/analysis.md.
        Table turns = Trajectories.read("data/coding-agent-sample.parquet");
        Figure<XYChart> inputs = Analysis.inputLengths(turns);
        assertEquals("turns", Charts.seriesNames(inputs.chart()).get(0));
        assertEquals(turns.rowCount(), inputs.table().longColumn("turns").sum(), 0);
        inputs.savePng(tmp.resolve("inputs.png"));
        assertEquals(800, ImageIO.read(tmp.resolve("inputs.png").toFile()).getWidth());
    }
}
