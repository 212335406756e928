package io.agentload.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The smoke notebook executed by real Jupyter ({@code jupyter nbconvert --execute}) on a kernelspec that starts this
 * build's kernel; skipped where Jupyter is not installed (CI installs it).
 */
@Tag("slow")
class NotebookSmokeTest {

    private static final String KERNEL = "agentload-smoke-test";

    @Test
    void smokeNotebookRunsOnTheKernelUnderJupyter(@TempDir Path dir) throws Exception {
        assumeTrue(nbconvertWorks(), "jupyter nbconvert is not installed");
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isEmpty()).map(Path::of).toList();
        Path prefix = dir.resolve("prefix");
        KernelSpec.of(classpath, "io.agentload.cli.Main", "kernel").withName(KERNEL)
                .installInto(KernelSpec.prefixKernelsDir(prefix));
        Path notebook = Path.of(NotebookSmokeTest.class.getResource("/notebooks/kernel-smoke.ipynb").toURI());
        Path out = dir.resolve("out");

        ProcessBuilder nbconvert = new ProcessBuilder("jupyter", "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=" + KERNEL,
                "--output-dir", out.toString(), notebook.toString())
                .redirectErrorStream(true);
        nbconvert.environment().put("JUPYTER_PATH", prefix.resolve("share/jupyter").toString());
        Process process = nbconvert.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "nbconvert did not finish");
        assertEquals(0, process.exitValue(), log);

        Map<String, List<JsonNode>> outputs = outputsByCell(out.resolve("kernel-smoke.ipynb"));
        assertEquals("3", text(single(outputs, "value"), "text/plain"));
        assertEquals(List.of("stdout: hello from the kernel\n", "stderr: a line on stderr\n"),
                outputs.get("printing").stream().map(o -> o.get("name").asText() + ": " + joined(o.get("text"))).toList());
        assertTrue(text(single(outputs, "table"), "text/html").contains("... 75 rows ..."));
        BufferedImage chart = png(single(outputs, "chart"));
        assertEquals(400, chart.getWidth());
        assertEquals(300, chart.getHeight());
        List<JsonNode> displayed = outputs.get("display");
        assertEquals(List.of("display_data", "display_data", "execute_result"),
                displayed.stream().map(o -> o.get("output_type").asText()).toList());
        assertTrue(text(displayed.get(0), "text/html").contains("<caption>turns: 3 rows"));
        assertEquals(300, png(displayed.get(1)).getHeight());
        assertEquals("hello, notebook", text(single(outputs, "jars"), "text/plain"));
        assertEquals("1000", text(single(outputs, "agentload"), "text/plain"));
        assertTrue(joined(single(outputs, "time").get("text")).startsWith("Wall time: "));
        JsonNode runtime = single(outputs, "runtime-error");
        assertEquals("error", runtime.get("output_type").asText());
        assertEquals("java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 2\n"
                + "    at line 2: counts[5] = 1;", runtime.get("evalue").asText());
        assertTrue(single(outputs, "compile-error").get("evalue").asText()
                .startsWith("line 1: incompatible types: int cannot be converted to java.lang.String"));
        assertEquals("still running", text(single(outputs, "after-errors"), "text/plain"));
    }

    private static boolean nbconvertWorks() {
        try {
            Process p = new ProcessBuilder("jupyter", "nbconvert", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static Map<String, List<JsonNode>> outputsByCell(Path executed) throws Exception {
        Map<String, List<JsonNode>> outputs = new HashMap<>();
        for (JsonNode cell : new ObjectMapper().readTree(executed.toFile()).get("cells")) {
            if (!cell.get("cell_type").asText().equals("code")) continue;
            List<JsonNode> list = new ArrayList<>();
            cell.get("outputs").forEach(list::add);
            outputs.put(cell.get("id").asText(), list);
        }
        return outputs;
    }

    private static JsonNode single(Map<String, List<JsonNode>> outputs, String cell) {
        List<JsonNode> list = outputs.get(cell);
        assertEquals(1, list.size(), cell + " outputs: " + list);
        return list.get(0);
    }

    private static String text(JsonNode output, String mimeType) {
        JsonNode data = output.get("data");
        assertTrue(data != null && data.has(mimeType), mimeType + " missing in " + output);
        return joined(data.get(mimeType));
    }

    /** nbformat stores multi-line text as a string or as a list of lines. */
    private static String joined(JsonNode text) {
        if (!text.isArray()) return text.asText();
        StringBuilder out = new StringBuilder();
        text.forEach(line -> out.append(line.asText()));
        return out.toString();
    }

    private static BufferedImage png(JsonNode output) throws Exception {
        byte[] bytes = Base64.getMimeDecoder().decode(text(output, "image/png"));
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }
}
