package io.agentload.notebook;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Messages for what went wrong in a cell, naming cell lines and showing the code on them: compiler errors with a
 * caret under the culprit, and exceptions with their stack trace cut to the user's code (JShell's own frames dropped,
 * long runs of library frames shortened).
 */
final class CellErrors {

    /** Library frames shown in a row before the rest of the run is summarised. */
    static final int LIBRARY_FRAMES = 6;

    private CellErrors() {
    }

    /** The compiler rejected a snippet; one paragraph per error. */
    static NotebookException compilation(SnippetOrigin origin, List<Diag> errors) {
        List<String> paragraphs = new ArrayList<>();
        for (Diag diag : errors) paragraphs.add(describe(origin, diag));
        return new NotebookException(String.join("\n\n", paragraphs));
    }

    /** A snippet threw; {@code origins} finds a snippet by its id (null if unknown). */
    static NotebookException exception(EvalException e, int cell, Function<String, SnippetOrigin> origins) {
        List<String> lines = new ArrayList<>();
        Throwable current = e;
        String prefix = "";
        while (current != null) {
            lines.add(prefix + header(current));
            addFrames(lines, current.getStackTrace(), cell, origins);
            current = current.getCause();
            prefix = "Caused by: ";
        }
        return new NotebookException(String.join("\n", lines));
    }

    /** A snippet used a declaration that cannot run until names it refers to are declared. */
    static NotebookException unresolved(SnippetOrigin origin, String declaration, List<String> missing) {
        return new NotebookException(unresolvedNote(origin, declaration, missing) + "\n    " + origin.lineText(1).strip());
    }

    /** "line 3: f cannot be used until x is declared": JShell keeps such declarations, but they cannot run yet. */
    static String unresolvedNote(SnippetOrigin origin, String declaration, List<String> missing) {
        return "line " + origin.firstLine() + ": " + declaration + " cannot be used until "
                + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " declared";
    }

    /** The user interrupted the kernel while a snippet was running. */
    static NotebookException interrupted(SnippetOrigin origin) {
        return new NotebookException("line " + origin.firstLine() + ": interrupted\n    " + origin.lineText(1).strip());
    }

    private static String describe(SnippetOrigin origin, Diag diag) {
        String[] message = diag.getMessage(Locale.ROOT).split("\r?\n");
        long position = diag.getStartPosition() >= 0 ? diag.getStartPosition() : diag.getPosition();
        StringBuilder out = new StringBuilder();
        if (position < 0) {
            out.append("line ").append(origin.firstLine()).append(": ").append(message[0]);
        } else {
            String source = origin.source();
            int start = (int) Math.min(position, source.length());
            int lineStart = source.lastIndexOf('\n', start - 1) + 1;
            int lineEnd = source.indexOf('\n', start);
            if (lineEnd < 0) lineEnd = source.length();
            int end = (int) Math.max(start + 1, Math.min(diag.getEndPosition(), lineEnd));
            out.append("line ").append(origin.cellLineAt(start)).append(": ").append(message[0]).append('\n');
            out.append("    ").append(source, lineStart, lineEnd).append('\n');
            out.append("    ").append(" ".repeat(start - lineStart)).append("^".repeat(Math.max(1, end - start)));
        }
        for (int i = 1; i < message.length; i++) {
            // JShell's wrapper class has no name; javac's "location: class " line says nothing to the user.
            if (!message[i].strip().equals("location: class")) out.append('\n').append(message[i]);
        }
        return out.toString();
    }

    private static String header(Throwable e) {
        String type = e instanceof EvalException ee ? ee.getExceptionClassName() : e.getClass().getName();
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }

    private static void addFrames(List<String> lines, StackTraceElement[] frames, int cell,
                                  Function<String, SnippetOrigin> origins) {
        int last = -1;
        for (int i = 0; i < frames.length; i++) {
            if (isSnippet(frames[i])) last = i;
        }
        int end = last < 0 ? frames.length : last + 1;
        int libraryRun = 0;
        for (int i = 0; i < end; i++) {
            StackTraceElement frame = frames[i];
            if (isSnippet(frame)) {
                libraryRun = 0;
                lines.add("    at " + describe(frame, cell, origins));
            } else if (++libraryRun <= LIBRARY_FRAMES) {
                lines.add("    at " + frame);
            } else if (i + 1 == end || isSnippet(frames[i + 1])) {
                lines.add("    ... " + (libraryRun - LIBRARY_FRAMES) + " more");
            }
        }
    }

    private static boolean isSnippet(StackTraceElement frame) {
        return frame.getFileName() != null && frame.getFileName().startsWith("#");
    }

    private static String describe(StackTraceElement frame, int cell, Function<String, SnippetOrigin> origins) {
        String method = frame.getMethodName();
        SnippetOrigin origin = origins.apply(frame.getFileName().substring(1));
        if (origin == null) {
            return (method.isEmpty() ? "" : method + " ") + "(snippet " + frame.getFileName() + ", line "
                    + frame.getLineNumber() + ")";
        }
        int line = origin.cellLine(frame.getLineNumber());
        String where = origin.cell() == cell ? "line " + line : "cell [" + origin.cell() + "], line " + line;
        String code = origin.lineText(frame.getLineNumber()).strip();
        String place = method.isEmpty() ? where : method + " (" + where + ")";
        return place + ": " + code;
    }
}
