package io.agentload.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notebooks under {@code notebooks/} as committed: executed top to bottom in one run on the {@code java} kernel
 * with every output kept and no cell in error, so that they read on a code host as they ran; reading only the
 * project's own files. ({@code .ci/notebooks} executes them again under real Jupyter; this test needs no Jupyter.)
 */
class CommittedNotebooksTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyNotebookIsCommittedExecutedWithoutErrors() throws IOException {
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(Path.of("notebooks"))) {
            notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertFalse(notebooks.isEmpty(), "no notebooks under notebooks/");
        return notebooks.stream().map(n -> DynamicTest.dynamicTest(n.getFileName().toString(), () -> check(n)));
    }

    private static void check(Path notebook) throws IOException {
        JsonNode root = JSON.readTree(notebook.toFile());
        String name = notebook.getFileName().toString();
        assertEquals("java", root.path("metadata").path("kernelspec").path("name").asText(), name + ": kernel");
        JsonNode cells = root.path("cells");
        assertTrue(cells.size() > 0, name + ": no cells");
        String number = name.substring(0, 2);
        assertTrue(cells.get(0).path("cell_type").asText().equals("markdown")
                && joined(cells.get(0).path("source")).startsWith("# " + number + " "),
                name + ": the first cell is its title, '# " + number + " ...'");

        Set<String> ids = new HashSet<>();
        List<Integer> counts = new ArrayList<>();
        for (JsonNode cell : cells) {
            String id = cell.path("id").asText();
            assertTrue(ids.add(id), name + ": cell id " + id + " repeats");
            String source = joined(cell.path("source"));
            assertFalse(source.contains("../shared") || source.contains("/work/"),
                    name + ", cell " + id + ": notebooks read only the project's own files");
            if (!cell.path("cell_type").asText().equals("code")) continue;
            assertTrue(cell.path("execution_count").isInt(), name + ", cell " + id + ": not executed");
            counts.add(cell.path("execution_count").asInt());
            for (JsonNode output : cell.path("outputs")) {
                assertFalse(output.path("output_type").asText().equals("error"),
                        name + ", cell " + id + ": committed with an error: " + output.path("evalue").asText());
            }
        }
        for (int i = 0; i < counts.size(); i++) {
            assertEquals(i + 1, counts.get(i), name + ": cells executed out of order or in more than one run");
        }
    }

    private static String joined(JsonNode source) {
        if (!source.isArray()) return source.asText();
        StringBuilder text = new StringBuilder();
        source.forEach(line -> text.append(line.asText()));
        return text.toString();
    }
}
