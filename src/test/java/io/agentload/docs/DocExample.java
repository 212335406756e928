package io.agentload.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One Java example of a Markdown file: a fenced {@code ```java} block, a hidden setup comment ({@code <!-- java ...
 * -->}), or a block marked {@code ```java no-run: reason} that is shown but never run.
 *
 * @param file    the Markdown file, relative to the repository root
 * @param line    the 1-based line of the block's first line of code
 * @param code    the code, without the fences
 * @param kind    how the example is treated
 * @param noRunReason why a {@link Kind#NO_RUN} block cannot run; empty otherwise
 */
record DocExample(Path file, int line, String code, Kind kind, String noRunReason) {

    /** How a block is treated. */
    enum Kind { RUN, HIDDEN_SETUP, NO_RUN }

    private static final String HIDDEN_OPEN = "<!-- java";
    private static final String HIDDEN_CLOSE = "-->";

    /** The first non-blank line of code, to name the block in messages. */
    String firstLine() {
        return code.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
    }

    /** Where the block is, as a reader finds it: {@code README.md:59 (SloResult r = ...)}. */
    String where() {
        String first = firstLine();
        return file + ":" + line + " (" + (first.length() > 90 ? first.substring(0, 87) + "..." : first) + ")";
    }

    /** The Java examples of {@code markdown} (read from {@code root.resolve(file)}), in the order they appear. */
    static List<DocExample> in(Path root, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<DocExample> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("```java")) {
                String info = line.substring("```".length()).strip();
                int end = closing(lines, i + 1, "```", file);
                String code = String.join("\n", lines.subList(i + 1, end));
                examples.add(info.equals("java")
                        ? new DocExample(file, i + 2, code, Kind.RUN, "")
                        : noRun(file, i + 2, code, info));
                i = end;
            } else if (line.equals(HIDDEN_OPEN)) {
                int end = closing(lines, i + 1, HIDDEN_CLOSE, file);
                String code = String.join("\n", lines.subList(i + 1, end));
                examples.add(new DocExample(file, i + 2, code, Kind.HIDDEN_SETUP, ""));
                i = end;
            } else if (line.startsWith("```")) {
                i = closing(lines, i + 1, "```", file);
            }
        }
        return examples;
    }

    private static DocExample noRun(Path file, int line, String code, String info) {
        String marker = "java no-run:";
        if (!info.startsWith(marker) || info.substring(marker.length()).isBlank()) {
            throw new IllegalStateException(file + ":" + (line - 1) + ": a Java block's info string is \"" + info
                    + "\"; write ```java (run by DocExamplesTest) or ```java no-run: <why it cannot run>");
        }
        return new DocExample(file, line, code, Kind.NO_RUN, info.substring(marker.length()).strip());
    }

    private static int closing(List<String> lines, int from, String fence, Path file) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(fence)) return i;
        }
        throw new IllegalStateException(file + ":" + from + ": a block opened here is never closed by " + fence);
    }
}
