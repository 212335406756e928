package io.agentload.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelCommandTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void installWritesAKernelspecThatRunsTheKernelCommand(@TempDir Path prefix) throws IOException {
        Result result = run("kernel", "install", "--prefix", prefix.toString(), "--name", "agentload-test",
                "--display-name", "Java (test)");
        assertEquals(0, result.exitCode(), result.err());
        Path dir = prefix.resolve("share/jupyter/kernels/agentload-test");
        assertEquals("Installed kernel 'agentload-test' (Java (test)) in " + dir + "\n", result.out());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("kernel.json").toFile());
        assertEquals("Java (test)", json.get("display_name").asText());
        List<String> argv = new ArrayList<>();
        json.get("argv").forEach(a -> argv.add(a.asText()));
        assertEquals(List.of(Main.class.getName(), "kernel", "{connection_file}"), argv.subList(argv.size() - 3, argv.size()));
        String classpath = argv.get(argv.indexOf("-cp") + 1);
        // A development build (classes in directories) points the kernel at this JVM's class path, all of it present.
        for (String entry : classpath.split(File.pathSeparator)) {
            assertTrue(Path.of(entry).isAbsolute() && Files.exists(Path.of(entry)), entry);
        }
        assertTrue(classpath.contains("tablesaw-core"), classpath);
    }

    @Test
    void locationOptionsExcludeEachOther(@TempDir Path prefix) {
        Result result = run("kernel", "install", "--user", "--prefix", prefix.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("mutually exclusive"), result.err());
    }

    @Test
    void kernelWithoutAConnectionFileIsAUsageError() {
        Result result = run("kernel");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().startsWith("agentload kernel: missing CONNECTION_FILE"), result.err());
    }

    @Test
    void kernelWithAMissingConnectionFileSaysWhich(@TempDir Path dir) {
        Result result = run("kernel", dir.resolve("absent.json").toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().startsWith("agentload kernel: no such connection file: " + dir.resolve("absent.json")),
                result.err());
    }
}
