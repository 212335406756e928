package io.agentload.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every repository file that README.md, docs/*.md or the main code's Javadoc name exists: paths from the
 * repository root ({@code docs/design.md}, {@code data/...}, {@code src/...}), Markdown links relative to their file,
 * bare Markdown file names ({@code README.md}), and the sections they quote ({@code docs/design.md, "The run folder"})
 * or link ({@code run-folder.md#the-search}).
 */
class DocLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** A path from the repository root, not part of a longer path or word. */
    private static final Pattern ROOT_PATH =
            Pattern.compile("(?<![\\w/.<-])((?:docs|data|notebooks|src|\\.ci)/[\\w./-]*[\\w/])");
    /** Other repositories' paths cited here: TensorRT-LLM's docs (calibration.md), GitHut's data (WorkloadShape). */
    private static final List<String> OTHER_REPOSITORIES = List.of("docs/source/", "src/data/");
    /** A Markdown link's target: relative to the file it is in. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** A Markdown file named alone, as "DESIGN.md" was. */
    private static final Pattern BARE_MD = Pattern.compile("(?<![\\w/.-])([\\w-]+\\.md)\\b");
    /** A docs file followed by the section it points to. */
    private static final Pattern SECTION = Pattern.compile("([\\w/.-]+\\.md), \"([^\"]+)\"");

    @Test
    void everyReferencedFileAndSectionExists() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path file : sources()) {
            String text = Files.readString(ROOT.resolve(file));
            // Javadoc's leading asterisks would split a quoted section name that wraps.
            if (file.toString().endsWith(".java")) text = text.replaceAll("\n\\s*\\*(?!/)", "\n");
            check(file, text, broken);
        }
        assertEquals(List.of(), broken, "references to files or sections that do not exist (make them point to a"
                + " file in this repository, such as a section of docs/design.md, or write the section)");
    }

    private static void check(Path file, String text, List<String> broken) {
        Matcher m = ROOT_PATH.matcher(text);
        while (m.find()) {
            String path = m.group(1).replaceAll("[.]+$", "");
            if (OTHER_REPOSITORIES.stream().anyMatch(path::startsWith)) continue;
            if (!Files.exists(ROOT.resolve(path))) broken.add(where(file, text, m.start()) + ": " + path);
        }
        // In Java, "](" is regular expressions and array code, not a link.
        m = LINK.matcher(file.toString().endsWith(".java") ? "" : text);
        while (m.find()) {
            String target = m.group(1);
            if (target.matches("[a-z]+:.*")) continue;
            String[] parts = target.split("#", 2);
            Path resolved = parts[0].isEmpty() ? ROOT.resolve(file) : ROOT.resolve(file).resolveSibling(parts[0]);
            if (!Files.exists(resolved)) broken.add(where(file, text, m.start()) + ": " + target);
            else if (parts.length == 2 && !anchors(resolved).contains(parts[1])) {
                broken.add(where(file, text, m.start()) + ": no heading for #" + parts[1] + " in " + parts[0]);
            }
        }
        m = BARE_MD.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            Path here = ROOT.resolve(file).resolveSibling(name);
            boolean exists = Files.exists(ROOT.resolve(name)) || Files.exists(here)
                    || Files.exists(ROOT.resolve("docs").resolve(name));
            if (!exists) {
                broken.add(where(file, text, m.start()) + ": " + name);
            }
        }
        m = SECTION.matcher(text.replaceAll("\\s+", " "));
        while (m.find()) {
            Path doc = ROOT.resolve(m.group(1));
            if (!Files.exists(doc)) doc = ROOT.resolve("docs").resolve(m.group(1));
            if (Files.exists(doc) && !headings(doc).contains(m.group(2))) {
                broken.add(file + ": no section \"" + m.group(2) + "\" in " + m.group(1));
            }
        }
    }

    /** README.md, docs/*.md and the main sources, relative to the repository root. */
    private static List<Path> sources() throws IOException {
        List<Path> files = new ArrayList<>(DocFiles.markdown(ROOT));
        for (String dir : List.of("src/main/java")) {
            try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
                walk.filter(p -> p.toString().endsWith(".java"))
                        .map(ROOT::relativize).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static List<String> headings(Path markdown) {
        try {
            return Files.readAllLines(markdown).stream()
                    .filter(l -> l.startsWith("#"))
                    .map(l -> l.replaceFirst("^#+\\s*", "").strip())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GitHub's anchors: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> anchors(Path markdown) {
        return headings(markdown).stream()
                .map(h -> h.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .toList();
    }

    private static String where(Path file, String text, int at) {
        return file + ":" + (text.substring(0, at).split("\n", -1).length);
    }
}
