package io.agentload.docs;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every Java example in README.md and docs/*.md runs, so the docs cannot drift from the API. Each file's blocks run in
 * order as the cells of one notebook on agentload's own kernel (its JShell, class path and default imports), in a
 * child JVM whose working directory is a fresh folder holding a link to the repository's {@code data/}, so examples
 * read {@code data/...} and write where they like. A {@code <!-- java ... -->} comment is hidden setup run in its
 * place; a block marked {@code ```java no-run: reason} is compiled in its place and never run, and listed. Files run
 * two at a time. Tagged slow: the examples cost about
 * 3 minutes of CPU (the README's first screen alone searches three systems), about 2 minutes on two idle cores;
 * {@code ./mvnw -B verify} runs it, {@code -Dgroups='!slow'} skips it.
 */
@Tag("slow")
class DocExamplesTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern KERNEL_LINE = Pattern.compile("\\bline (\\d+)");

    @TestFactory
    Stream<DynamicTest> everyJavaExampleRuns() {
        // Files run two at a time (a search keeps one core busy), those with the most searches first.
        List<Path> files = DocFiles.markdown(ROOT).stream()
                .filter(file -> !DocExample.in(ROOT, file).isEmpty())
                .sorted(Comparator.comparingInt(DocExamplesTest::searches).reversed())
                .toList();
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().daemon().unstarted(r));
        Map<Path, Future<?>> runs = new LinkedHashMap<>();
        for (Path file : files) runs.put(file, pool.submit(() -> runExamplesOf(file)));
        pool.shutdown();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.toString(), () -> {
            try {
                runs.get(file).get();
            } catch (ExecutionException e) {
                throw e.getCause();
            }
        }));
    }

    private static int searches(Path file) {
        return (int) DocExample.in(ROOT, file).stream()
                .filter(e -> e.kind() != DocExample.Kind.NO_RUN)
                .mapToLong(e -> e.code().split("search\\(", -1).length - 1)
                .sum();
    }

    @Test
    void blocksThatDoNotRunSayWhy() {
        List<DocExample> notRun = DocFiles.markdown(ROOT).stream()
                .flatMap(file -> DocExample.in(ROOT, file).stream())
                .filter(e -> e.kind() == DocExample.Kind.NO_RUN)
                .toList();
        // DocExample.in rejects a no-run block without a reason; listing them keeps them in sight in the test log.
        notRun.forEach(e -> System.out.println("not run: " + e.where() + ": " + e.noRunReason()));
        notRun.forEach(e -> assertTrue(e.noRunReason().length() >= 10, e.where() + ": say why it cannot run"));
    }

    private static Void runExamplesOf(Path file) throws Exception {
        List<DocExample> examples = DocExample.in(ROOT, file);
        Path dir = Files.createTempDirectory("agentload-doc-example");
        Files.createSymbolicLink(dir.resolve("data"), ROOT.resolve("data"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Djava.awt.headless=true", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DocExampleShell.class.getName()));
        for (int i = 0; i < examples.size(); i++) {
            Path code = dir.resolve(".example-" + i + ".java");
            Files.writeString(code, examples.get(i).code());
            command.add((examples.get(i).kind() == DocExample.Kind.NO_RUN ? "compile:" : "run:") + code);
        }
        Path log = dir.resolve(".output");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(10, TimeUnit.MINUTES);
        if (!finished) process.destroyForcibly().waitFor();
        String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        if (!finished) fail(file + ": its examples did not finish in 10 minutes\n" + output);
        System.out.println(file + ":\n" + timings(output, examples));
        int failedAt = failedIndex(output);
        if (failedAt >= 0) {
            fail(failure(examples.get(failedAt), output) + "\n(the files the examples made are kept in " + dir + ")");
        }
        if (process.exitValue() != 0) {
            fail(file + ": the example shell exited with " + process.exitValue() + "\n" + output);
        }
        deleteTree(dir);
        return null;
    }

    private static String failure(DocExample example, String output) {
        String message = output.substring(output.indexOf(DocExampleShell.FAILED));
        message = message.substring(message.indexOf('\n') + 1).strip();
        return example.where() + switch (example.kind()) {
                    case RUN -> " no longer runs:\n";
                    case HIDDEN_SETUP -> ", hidden setup, no longer runs:\n";
                    case NO_RUN -> ", marked no-run, no longer compiles:\n";
                } + message + sourceLine(example, message) + "\n\n"
                + "Fix the example in " + example.file() + " so it matches the API. It runs as a notebook cell on"
                + " agentload's kernel (default imports included) after the file's earlier blocks, in a fresh"
                + " directory that holds data/. A <!-- java ... --> comment before it is hidden setup; a block that"
                + " cannot run is marked ```java no-run: <why>. Check: ./mvnw -B -o test -Dtest=DocExamplesTest";
    }

    /** The Markdown line the kernel's "line N" points at, so the message shows the code that failed. */
    private static String sourceLine(DocExample example, String message) {
        Matcher m = KERNEL_LINE.matcher(message);
        if (!m.find()) return "";
        int line = Integer.parseInt(m.group(1)) - (example.kind() == DocExample.Kind.NO_RUN
                ? DocExampleShell.WRAPPER_LINES : 0);
        List<String> code = example.code().lines().toList();
        if (line < 1 || line > code.size()) return "";
        return "\n  at " + example.file() + ":" + (example.line() + line - 1) + ": " + code.get(line - 1).strip();
    }

    private static int failedIndex(String output) {
        int at = output.indexOf(DocExampleShell.FAILED);
        if (at < 0) return -1;
        String rest = output.substring(at + DocExampleShell.FAILED.length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('\n')).strip());
    }

    private static String timings(String output, List<DocExample> examples) {
        StringBuilder out = new StringBuilder();
        output.lines().filter(l -> l.startsWith(DocExampleShell.DONE)).forEach(l -> {
            String[] parts = l.substring(DocExampleShell.DONE.length()).split(" ", 2);
            out.append("  ").append(parts[1]).append("  ")
                    .append(examples.get(Integer.parseInt(parts[0])).where()).append('\n');
        });
        return out.toString();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
