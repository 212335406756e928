package io.agentload.notebook;

import io.agentload.analysis.Figure;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.ServiceLoader;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderersTest {

    private final Renderer renderer = renderer();

    private static Renderer renderer() {
        Renderer renderer = new Renderer();
        Renderers.register(renderer);
        return renderer;
    }

    private static BufferedImage png(DisplayData data) throws IOException {
        byte[] bytes = Base64.getDecoder().decode((String) data.getData(MIMEType.IMAGE_PNG));
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    @Test
    void jjavaKernelsFindTheRenderersThroughTheServiceLoader() {
        assertTrue(ServiceLoader.load(Extension.class).stream().anyMatch(p -> p.type() == Renderers.class));
    }

    @Test
    void xyChartIsAPngOfItsSize() throws IOException {
        XYChart chart = new XYChartBuilder().width(640).height(360).title("TTFT").build();
        chart.addSeries("p90", new double[] {1, 2, 4}, new double[] {0.2, 0.3, 0.9});
        DisplayData data = renderer.render(chart);
        BufferedImage image = png(data);
        assertEquals(640, image.getWidth());
        assertEquals(360, image.getHeight());
        assertEquals("XYChart \"TTFT\" (640 x 360)", data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void anyChartTypeRenders() throws IOException {
        var chart = new CategoryChartBuilder().width(300).height(200).build();
        chart.addSeries("agents", new double[] {1, 2}, new double[] {30, 12});
        assertEquals(300, png(renderer.render(chart)).getWidth());
    }

    @Test
    void analysisFigureShowsItsChart() throws IOException {
        Table turns = Table.create("t", IntColumn.create("input_tokens", 5_000, 27_000, 131_000));
        XYChart chart = new XYChartBuilder().width(500).height(300).title("Input lengths").build();
        chart.addSeries("turns", new double[] {1, 2, 3}, new double[] {5, 27, 131});
        DisplayData data = renderer.render(new Figure<>(turns, chart));
        assertEquals(500, png(data).getWidth());
        assertEquals("XYChart \"Input lengths\" (500 x 300)", data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void bufferedImageKeepsItsPixels() throws IOException {
        BufferedImage image = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 2, Color.ORANGE.getRGB());
        DisplayData data = renderer.render(image);
        BufferedImage decoded = png(data);
        assertEquals(7, decoded.getWidth());
        assertEquals(5, decoded.getHeight());
        assertEquals(Color.ORANGE.getRGB(), decoded.getRGB(3, 2));
        assertEquals("image (7 x 5)", data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void longTableShowsHeadTailAndHowManyRowsAreLeftOut() {
        Table table = Table.create("turns", IntColumn.create("turn", IntStream.range(0, 1000).toArray()));
        DisplayData data = renderer.render(table);
        String html = (String) data.getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("<caption>turns: 1,000 rows × 1 column</caption>"), html);
        assertTrue(html.contains("<tr><th>19</th><td>19</td></tr>\n<tr><td colspan=\"2\" style=\"text-align:center\">"
                + "... 975 rows ...</td></tr>\n<tr><th>995</th><td>995</td></tr>"), html);
        assertEquals(TableHtml.HEAD_ROWS + TableHtml.TAIL_ROWS, html.split("<td>", -1).length - 1);
        assertFalse(html.contains("<th>20</th>"));
        assertTrue(((String) data.getData(MIMEType.TEXT_PLAIN)).endsWith("turns: 1000 rows X 1 cols"));
    }

    @Test
    void shortTableShowsEveryRowAndEscapesCells() {
        Table table = Table.create("t", StringColumn.create("<b>", "a&b", "\"q\""));
        String html = (String) renderer.render(table).getData(MIMEType.TEXT_HTML);
        assertEquals("""
                <table class="agentload-table">
                <caption>t: 2 rows × 1 column</caption>
                <thead><tr><th></th><th>&lt;b&gt;</th></tr></thead>
                <tbody>
                <tr><th>0</th><td>a&amp;b</td></tr>
                <tr><th>1</th><td>&quot;q&quot;</td></tr>
                </tbody>
                </table>""", html);
    }

    @Test
    void tableOfExactlyTheLimitIsNotCut() {
        Table table = Table.create("t", IntColumn.create("x", IntStream.range(0, 25).toArray()));
        String html = (String) renderer.render(table).getData(MIMEType.TEXT_HTML);
        assertFalse(html.contains("..."));
        assertEquals(25, html.split("<td>", -1).length - 1);
    }
}
