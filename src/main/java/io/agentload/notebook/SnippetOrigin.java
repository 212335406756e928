package io.agentload.notebook;

/**
 * Where a JShell snippet came from: its cell's execution count, the cell line its source starts on, and the source.
 * Cell 0 holds the kernel's own startup snippets (the default imports).
 */
record SnippetOrigin(int cell, int firstLine, String source) {

    /** The cell line of {@code snippetLine} (1-based within the snippet). */
    int cellLine(int snippetLine) {
        return firstLine + snippetLine - 1;
    }

    /** The cell line of the character at {@code offset} in the snippet's source. */
    int cellLineAt(int offset) {
        int line = firstLine;
        for (int i = 0; i < offset && i < source.length(); i++) {
            if (source.charAt(i) == '\n') line++;
        }
        return line;
    }

    /** The text of {@code snippetLine} (1-based), without its line break, or "" if the snippet has no such line. */
    String lineText(int snippetLine) {
        String[] lines = source.split("\r?\n", -1);
        return snippetLine >= 1 && snippetLine <= lines.length ? lines[snippetLine - 1] : "";
    }
}
