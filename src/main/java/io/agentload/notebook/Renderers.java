package io.agentload.notebook;

import io.agentload.analysis.Figure;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;

/**
 * Shows XChart charts, analysis {@link Figure}s (their chart; call {@code table()} for the numbers) and
 * {@link BufferedImage}s as PNG pictures and Tablesaw tables as HTML (the first 20 and last 5 rows of long ones) in
 * Jupyter. It is a JJava extension, listed in {@code META-INF/services}: put agentload's jar on
 * a JJava kernel's class path and the kernel installs it.
 */
public final class Renderers implements Extension {

    /** Creates the extension; JJava's service loader calls this. */
    public Renderers() {
    }

    /** Registers the renderers with the kernel's renderer. */
    @Override
    public void install(BaseKernel kernel) {
        register(kernel.getRenderer());
    }

    static void register(Renderer renderer) {
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .register((chart, context) -> renderChart(chart, context));
        renderer.createRegistration(BufferedImage.class)
                .preferring(MIMEType.IMAGE_PNG)
                .register(Renderers::renderImage);
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .register(Renderers::renderTable);
        renderer.createRegistration(Figure.class)
                .preferring(MIMEType.IMAGE_PNG)
                .register((figure, context) -> renderChart(figure.chart(), context));
    }

    private static void renderChart(Chart<?, ?> chart, RenderContext context) {
        context.renderIfRequested(MIMEType.IMAGE_PNG, () -> Png.base64(BitmapEncoder.getBufferedImage(chart)));
        String title = chart.getTitle() == null || chart.getTitle().isBlank() ? "" : " \"" + chart.getTitle() + "\"";
        context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> chart.getClass().getSimpleName() + title + " ("
                + chart.getWidth() + " x " + chart.getHeight() + ")");
    }

    private static void renderImage(BufferedImage image, RenderContext context) {
        context.renderIfRequested(MIMEType.IMAGE_PNG, () -> Png.base64(image));
        context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "image (" + image.getWidth() + " x " + image.getHeight() + ")");
    }

    private static void renderTable(Table table, RenderContext context) {
        context.renderIfRequested(MIMEType.TEXT_HTML, () -> TableHtml.render(table));
        context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> table.print(TableHtml.HEAD_ROWS + TableHtml.TAIL_ROWS)
                + "\n" + table.shape());
    }
}
