package io.agentload.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelSpecTest {

    private final KernelSpec spec = KernelSpec.of(List.of(Path.of("/opt/agentload/agentload.jar")), "io.example.Main", "kernel");

    @Test
    void argvRunsThisJvmWithTheClasspathMainClassAndConnectionFile() {
        List<String> argv = spec.argv();
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), argv.get(0));
        assertTrue(argv.contains("--enable-native-access=ALL-UNNAMED"));
        assertEquals(Runtime.version().feature() >= 23, argv.contains("--sun-misc-unsafe-memory-access=allow"));
        assertTrue(argv.contains("-Djava.awt.headless=true"));
        assertEquals(List.of("-cp", "/opt/agentload/agentload.jar", "io.example.Main", "kernel", "{connection_file}"),
                argv.subList(argv.size() - 5, argv.size()));
    }

    @Test
    void kernelJsonHasWhatJupyterReads() throws IOException {
        JsonNode json = new ObjectMapper().readTree(spec.withDisplayName("Java 21").toJson());
        assertEquals("Java 21", json.get("display_name").asText());
        assertEquals("java", json.get("language").asText());
        assertEquals("message", json.get("interrupt_mode").asText());
        assertEquals(spec.argv().size(), json.get("argv").size());
        assertEquals("{connection_file}", json.get("argv").get(spec.argv().size() - 1).asText());
    }

    @Test
    void installWritesKernelJsonAndLogoUnderTheName(@TempDir Path dir) throws IOException {
        Path installed = spec.withName("agentload-test").installInto(dir);
        assertEquals(dir.resolve("agentload-test"), installed);
        assertEquals(spec.withName("agentload-test").toJson(), Files.readString(installed.resolve("kernel.json")));
        byte[] logo = Files.readAllBytes(installed.resolve("logo-64x64.png"));
        assertEquals(64, ImageIO.read(new ByteArrayInputStream(logo)).getWidth());
        spec.withName("agentload-test").withDisplayName("Again").installInto(dir);
        assertTrue(Files.readString(installed.resolve("kernel.json")).contains("\"Again\""));
        try (var files = Files.list(installed)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void namesJupyterCannotUseAreRejected() {
        String message = assertThrows(NotebookException.class, () -> spec.withName("my kernel")).getMessage();
        assertEquals("kernel name 'my kernel' may only hold letters, digits, '.', '_' and '-'", message);
    }

    @Test
    void userKernelsDirFollowsJupyterCore() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/home/u/.local/share/jupyter/kernels"), KernelSpec.userKernelsDir(Map.of(), "Linux", home));
        assertEquals(Path.of("/x/jupyter/kernels"),
                KernelSpec.userKernelsDir(Map.of("XDG_DATA_HOME", "/x"), "Linux", home));
        assertEquals(Path.of("/data/kernels"),
                KernelSpec.userKernelsDir(Map.of("JUPYTER_DATA_DIR", "/data", "XDG_DATA_HOME", "/x"), "Linux", home));
        assertEquals(Path.of("/home/u/Library/Jupyter/kernels"), KernelSpec.userKernelsDir(Map.of(), "Mac OS X", home));
    }

    @Test
    void homeFromTheEnvironmentWinsOverJavasUserHomeAsInJupyter() {
        Path javaHome = Path.of("/root");
        assertEquals(Path.of("/some/dir/.local/share/jupyter/kernels"),
                KernelSpec.userKernelsDir(Map.of("HOME", "/some/dir"), "Linux", javaHome));
        assertEquals(Path.of("/some/dir/Library/Jupyter/kernels"),
                KernelSpec.userKernelsDir(Map.of("HOME", "/some/dir"), "Mac OS X", javaHome));
        assertEquals(Path.of("/root/.local/share/jupyter/kernels"),
                KernelSpec.userKernelsDir(Map.of("HOME", ""), "Linux", javaHome));
    }

    /** Each way of choosing the folder, against Jupyter's own answer where Jupyter is installed (CI installs it). */
    @ParameterizedTest
    @ValueSource(strings = {"HOME=/some/dir", "HOME=/some/dir JUPYTER_DATA_DIR=/jd", "HOME=/some/dir XDG_DATA_HOME=/x"})
    void theUserFolderIsTheOneJupyterSearches(String settings) throws Exception {
        Map<String, String> env = new java.util.HashMap<>();
        for (String pair : settings.split(" ")) env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        ProcessBuilder jupyter = new ProcessBuilder("jupyter", "--data-dir").redirectErrorStream(true);
        jupyter.environment().remove("JUPYTER_DATA_DIR");
        jupyter.environment().remove("XDG_DATA_HOME");
        jupyter.environment().putAll(env);
        Process p;
        try {
            p = jupyter.start();
        } catch (java.io.IOException none) {
            org.junit.jupiter.api.Assumptions.abort("jupyter is not installed");
            return;
        }
        String dataDir = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), dataDir);
        assertEquals(Path.of(dataDir, "kernels"), KernelSpec.userKernelsDir(env, "Linux", Path.of("/root")));
    }

    @Test
    void prefixKernelsDirIsUnderShareJupyter() {
        assertEquals(Path.of("/usr/share/jupyter/kernels"), KernelSpec.prefixKernelsDir(Path.of("/usr")));
    }

    @Test
    void jupytersPythonComesFromItsShebang(@TempDir Path dir) throws IOException {
        Path script = dir.resolve("jupyter");
        Files.writeString(script, "#!/usr/bin/env python3 -s\nimport sys\n");
        assertEquals(List.of("/usr/bin/env", "python3", "-s"), KernelSpec.shebang(script));
        Files.writeString(script, "echo not python\n");
        assertEquals(List.of(), KernelSpec.shebang(script));
    }
}
