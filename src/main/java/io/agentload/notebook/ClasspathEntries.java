package io.agentload.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files named by {@code %jars} and {@code %classpath} arguments: paths relative to the notebook's directory (the
 * kernel's working directory) or absolute, {@code ~/} for the home directory, and globs such as {@code lib/*.jar} or
 * {@code lib/**}{@code /*.jar}.
 */
final class ClasspathEntries {

    private ClasspathEntries() {
    }

    /**
     * The files {@code pattern} names under {@code base}, sorted. With {@code jarsOnly}, a directory stands for the
     * jars directly in it; otherwise a directory is itself an entry (of class files).
     */
    static List<Path> expand(String pattern, Path base, boolean jarsOnly) {
        String path = pattern.startsWith("~/") ? System.getProperty("user.home") + pattern.substring(1) : pattern;
        int glob = firstGlobChar(path);
        if (glob < 0) return named(base.resolve(path).normalize(), pattern, jarsOnly);
        int slash = path.lastIndexOf('/', glob);
        Path root = base.resolve(slash < 0 ? "" : path.substring(0, slash + 1)).normalize();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + path.substring(slash + 1));
        List<Path> matches;
        try (Stream<Path> files = Files.isDirectory(root) ? Files.walk(root) : Stream.empty()) {
            matches = files.filter(p -> !p.equals(root) && matcher.matches(root.relativize(p)))
                    .filter(p -> !jarsOnly || Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        if (matches.isEmpty()) throw new NotebookException("nothing matches " + pattern + " (looked in " + root + ")");
        return matches;
    }

    private static List<Path> named(Path path, String pattern, boolean jarsOnly) {
        if (!Files.exists(path)) throw new NotebookException("no such file: " + pattern + " (" + path + ")");
        if (!jarsOnly || !Files.isDirectory(path)) return List.of(path);
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(path)) {
            files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
        if (jars.isEmpty()) throw new NotebookException("no jar files in " + pattern + " (" + path + ")");
        return jars;
    }

    private static int firstGlobChar(String path) {
        for (int i = 0; i < path.length(); i++) {
            if ("*?[{".indexOf(path.charAt(i)) >= 0) return i;
        }
        return -1;
    }
}
