package io.agentload.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A notebook cell split into Java code and magics, IJava's way: a line that starts with {@code %} and a name in its
 * first column is a line magic; a first line that starts with {@code %%} makes the whole cell a cell magic. Every part
 * keeps its 1-based line in the cell, so that errors can name it.
 */
final class Cell {

    private static final Pattern LINE_MAGIC = Pattern.compile("%([A-Za-z][\\w-]*)(.*)");
    private static final Pattern CELL_MAGIC = Pattern.compile("%%([A-Za-z][\\w-]*)(.*)");

    /** One part of a cell. */
    sealed interface Part permits Code, MagicCall {
    }

    /** Java code starting at {@code firstLine} of the cell. */
    record Code(String text, int firstLine) implements Part {
    }

    /** A line magic {@code %name args} on {@code line} of the cell. */
    record MagicCall(String name, List<String> args, int line) implements Part {
    }

    /** A cell magic: {@code %%name args} on the first line, then its body. */
    record CellMagicCall(String name, List<String> args, String body) {
    }

    private Cell() {
    }

    /** The cell magic this cell starts with, if it does. */
    static Optional<CellMagicCall> cellMagic(String cell) {
        int end = cell.indexOf('\n');
        String first = end < 0 ? cell : cell.substring(0, end);
        Matcher m = CELL_MAGIC.matcher(first.stripTrailing());
        if (!m.matches()) return Optional.empty();
        return Optional.of(new CellMagicCall(m.group(1), splitArgs(m.group(2)), end < 0 ? "" : cell.substring(end + 1)));
    }

    /** The cell's code and line magics in order; {@code firstLine} is the cell line {@code text} starts on. */
    static List<Part> parts(String text, int firstLine) {
        List<Part> parts = new ArrayList<>();
        StringBuilder code = new StringBuilder();
        int codeLine = firstLine;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = LINE_MAGIC.matcher(lines[i].stripTrailing());
            if (m.matches()) {
                if (!code.toString().isBlank()) parts.add(new Code(code.toString(), codeLine));
                parts.add(new MagicCall(m.group(1), splitArgs(m.group(2)), firstLine + i));
                code.setLength(0);
                codeLine = firstLine + i + 1;
            } else {
                if (!code.isEmpty()) code.append('\n');
                code.append(lines[i]);
            }
        }
        if (!code.toString().isBlank()) parts.add(new Code(code.toString(), codeLine));
        return parts;
    }

    /** The cell with every magic line blanked out (same length), so that JShell's analysis can read the rest. */
    static String maskMagics(String cell) {
        StringBuilder out = new StringBuilder(cell.length());
        String[] lines = cell.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            boolean magic = LINE_MAGIC.matcher(lines[i].stripTrailing()).matches();
            out.append(magic ? " ".repeat(lines[i].length()) : lines[i]);
        }
        return out.toString();
    }

    /** Magic arguments: split on whitespace, with single or double quotes grouping words. */
    static List<String> splitArgs(String text) {
        List<String> args = new ArrayList<>();
        StringBuilder arg = new StringBuilder();
        char quote = 0;
        boolean inArg = false;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else arg.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                inArg = true;
            } else if (Character.isWhitespace(c)) {
                if (inArg) args.add(arg.toString());
                arg.setLength(0);
                inArg = false;
            } else {
                arg.append(c);
                inArg = true;
            }
        }
        if (quote != 0) throw new NotebookException("unclosed quote " + quote + " in magic arguments: " + text.strip());
        if (inArg) args.add(arg.toString());
        return args;
    }
}
