package io.agentload.notebook;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Resolves Maven artifacts and their runtime dependencies with the machine's Maven ({@code mvn} on the PATH): it
 * writes a throwaway pom that depends on them and runs {@code dependency:build-classpath}, so the jars land in the
 * local repository ({@code ~/.m2}) from Maven Central and Maven's own settings, mirrors and proxies apply.
 */
final class MavenResolver {

    /** Pinned because Maven 3.8's default dependency plugin (2.8) predates the options used here. */
    static final String GOAL = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath";
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.+-]+");
    private static final long TIMEOUT_MINUTES = 10;

    private final String mvn;

    /** {@code mvn} is the Maven command to run, e.g. "mvn". */
    MavenResolver(String mvn) {
        this.mvn = mvn;
    }

    /** The jars of {@code coordinates} (group:artifact[:packaging[:classifier]]:version) and their dependencies. */
    List<Path> resolve(List<String> coordinates) {
        String pom = pom(coordinates);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("agentload-maven");
            Files.writeString(dir.resolve("pom.xml"), pom);
            Path classpath = dir.resolve("classpath.txt");
            List<String> command = List.of(mvn, "-B", "-q", "-f", dir.resolve("pom.xml").toString(), GOAL,
                    "-Dmdep.outputFile=" + classpath, "-Dmdep.includeScope=runtime");
            String output = run(command, coordinates);
            if (!Files.exists(classpath)) {
                throw new NotebookException("Maven did not resolve " + String.join(" ", coordinates) + ":\n" + output);
            }
            String entries = Files.readString(classpath).strip();
            return entries.isEmpty() ? List.of()
                    : Arrays.stream(entries.split(File.pathSeparator)).map(Path::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Maven's working files", e);
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    /** A pom with one runtime dependency per coordinate; rejects anything that is not a coordinate. */
    static String pom(List<String> coordinates) {
        StringBuilder deps = new StringBuilder();
        for (String coordinate : coordinates) {
            String[] p = coordinate.split(":", -1);
            if (p.length < 3 || p.length > 5 || !Arrays.stream(p).allMatch(s -> PART.matcher(s).matches())) {
                throw new NotebookException("not a Maven coordinate: " + coordinate
                        + " (expected group:artifact:version, e.g. org.hdrhistogram:HdrHistogram:2.2.2)");
            }
            deps.append("    <dependency><groupId>").append(p[0]).append("</groupId><artifactId>").append(p[1])
                    .append("</artifactId><version>").append(p[p.length - 1]).append("</version>");
            if (p.length >= 4) deps.append("<type>").append(p[2]).append("</type>");
            if (p.length == 5) deps.append("<classifier>").append(p[3]).append("</classifier>");
            deps.append("</dependency>\n");
        }
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>io.agentload.notebook</groupId>
                  <artifactId>maven-magic</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <dependencies>
                %s  </dependencies>
                </project>
                """.formatted(deps);
    }

    private String run(List<String> command, List<String> coordinates) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new NotebookException("%maven runs Maven, but '" + mvn + "' did not start (" + e.getMessage()
                    + "); install Maven (apt-get install maven) or put mvn on the PATH", e);
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new NotebookException("Maven took over " + TIMEOUT_MINUTES + " minutes to resolve "
                        + String.join(" ", coordinates));
            }
            if (process.exitValue() != 0) {
                throw new NotebookException("Maven could not resolve " + String.join(" ", coordinates) + ":\n"
                        + errors(output));
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Maven's output", e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NotebookException("interrupted while Maven resolved " + String.join(" ", coordinates));
        }
    }

    /** Maven's [ERROR] lines, which say what failed; all output if there are none. */
    private static String errors(String output) {
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\r?\n")) {
            if (line.startsWith("[ERROR]") && !line.strip().equals("[ERROR]")) lines.add(line);
        }
        return lines.isEmpty() ? output.strip() : String.join("\n", lines.subList(0, Math.min(lines.size(), 8)));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // A leftover temporary directory is harmless; the resolved jars live in ~/.m2.
        }
    }
}
