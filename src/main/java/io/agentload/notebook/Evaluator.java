package io.agentload.notebook;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JShell running snippets in this JVM: evaluates code snippet by snippet, keeps the last expression's value as an
 * object, remembers which cell line every snippet came from (for error messages), completes code and judges whether
 * it is complete.
 */
final class Evaluator implements AutoCloseable {

    private static final Pattern INDENT = Pattern.compile("^[ \\t]*");

    private final NotebookExecutionControl control = new NotebookExecutionControl();
    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    /** Snippet id to where it came from; read by error messages for frames in earlier cells. */
    private final Map<String, SnippetOrigin> origins = new HashMap<>();
    private int cell;

    Evaluator(List<Path> classpath) {
        shell = JShell.builder().executionEngine(new Provider(control), Map.of()).build();
        analysis = shell.sourceCodeAnalysis();
        classpath.forEach(this::addToClasspath);
    }

    /** Starts a new cell: numbers it like Jupyter's execution count and forgets an earlier interrupt. */
    void beginCell() {
        cell++;
        control.clearStopRequest();
    }

    void addToClasspath(Path path) {
        shell.addToClasspath(path.toAbsolutePath().toString());
    }

    /**
     * Evaluates {@code code}, which starts on {@code firstLine} of the current cell, and returns the value of its
     * last snippet if that is an expression (null otherwise).
     */
    Object eval(String code, int firstLine) {
        String rest = code;
        int offset = 0;
        Object value = null;
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() == Completeness.EMPTY) return value;
            // Incomplete or unparseable code still goes to JShell, whose compiler says what is wrong and where.
            boolean complete = info.completeness().isComplete();
            String source = complete ? info.source() : rest;
            int consumed = complete ? rest.length() - info.remaining().length() : rest.length();
            int lead = leadingWhitespace(source);
            int line = firstLine + newlines(code, offset + lead);
            // JShell miscounts runtime line numbers after leading blank lines, so snippets start at their code.
            value = evalSnippet(source.substring(lead), line);
            if (!complete) return value;
            offset += consumed;
            rest = info.remaining();
        }
    }

    private Object evalSnippet(String source, int line) {
        SnippetOrigin origin = new SnippetOrigin(cell, line, source);
        try {
            List<SnippetEvent> events = shell.eval(source);
            if (control.stopRequested()) throw CellErrors.interrupted(origin);
            Object value = null;
            for (SnippetEvent event : events) {
                if (event.causeSnippet() != null) continue;
                value = check(event, origin);
            }
            return value;
        } finally {
            control.clearValues();
        }
    }

    private Object check(SnippetEvent event, SnippetOrigin origin) {
        Snippet snippet = event.snippet();
        origins.put(snippet.id(), origin);
        if (event.status() == Snippet.Status.REJECTED) {
            List<Diag> errors = shell.diagnostics(snippet).filter(Diag::isError).toList();
            throw CellErrors.compilation(origin, errors);
        }
        JShellException thrown = event.exception();
        if (thrown instanceof UnresolvedReferenceException unresolved) {
            DeclarationSnippet declaration = unresolved.getSnippet();
            throw CellErrors.unresolved(origin, declaration.name(), shell.unresolvedDependencies(declaration).toList());
        }
        if (thrown instanceof EvalException e) throw CellErrors.exception(e, cell, origins::get);
        if (thrown != null) throw new NotebookException("line " + origin.firstLine() + ": " + thrown.getMessage());
        if (event.status() == Snippet.Status.RECOVERABLE_DEFINED
                || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
            DeclarationSnippet declaration = (DeclarationSnippet) snippet;
            System.err.println(CellErrors.unresolvedNote(origin, declaration.name(),
                    shell.unresolvedDependencies(declaration).toList()));
        }
        boolean expression = switch (snippet.subKind()) {
            case VAR_VALUE_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND, OTHER_EXPRESSION_SUBKIND -> true;
            default -> false;
        };
        return expression && control.hasValue(event.value()) ? control.value(event.value()) : null;
    }

    /** Completions at {@code cursor}: JShell's suggestions for the snippet the cursor is in, type matches first. */
    ReplacementOptions complete(String code, int cursor) {
        int start = snippetStart(code, cursor);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                analysis.completionSuggestions(code.substring(start, cursor), cursor - start, anchor);
        Set<String> options = new LinkedHashSet<>();
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType)
                .forEach(s -> options.add(s.continuation()));
        suggestions.forEach(s -> options.add(s.continuation()));
        return new ReplacementOptions(new ArrayList<>(options), start + anchor[0], cursor);
    }

    /** Signatures and Javadoc of what is at {@code cursor}, or "" if JShell knows nothing there. */
    String documentation(String code, int cursor) {
        int start = snippetStart(code, cursor);
        List<String> parts = new ArrayList<>();
        for (SourceCodeAnalysis.Documentation doc :
                analysis.documentation(code.substring(start, cursor), cursor - start, true)) {
            parts.add(doc.javadoc() == null || doc.javadoc().isBlank()
                    ? doc.signature() : doc.signature() + "\n" + doc.javadoc());
        }
        return String.join("\n\n", parts);
    }

    /**
     * Jupyter's is_complete answer for {@code code}: {@link BaseKernel#IS_COMPLETE_YES}, {@link
     * BaseKernel#IS_COMPLETE_BAD}, or the indent for the next line when more code is expected.
     */
    String isComplete(String code) {
        String rest = code;
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
        // UNKNOWN counts as complete in JShell (it can be run, and fail); for Jupyter it is invalid code.
        while (info.completeness().isComplete() && info.completeness() != Completeness.UNKNOWN) {
            rest = info.remaining();
            info = analysis.analyzeCompletion(rest);
        }
        return switch (info.completeness()) {
            case EMPTY -> BaseKernel.IS_COMPLETE_YES;
            case UNKNOWN -> BaseKernel.IS_COMPLETE_BAD;
            default -> nextIndent(rest);
        };
    }

    /**
     * Stops the current cell: a running snippet's thread is interrupted and its code stops at its next loop or call;
     * snippets not yet started do not run.
     */
    void interrupt() {
        shell.stop();
    }

    @Override
    public void close() {
        shell.close();
    }

    /** Where the snippet holding {@code cursor} starts in {@code code}. */
    private int snippetStart(String code, int cursor) {
        int start = 0;
        String rest = code;
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            int consumed = rest.length() - info.remaining().length();
            if (!info.completeness().isComplete() || start + consumed >= cursor) return start;
            start += consumed;
            rest = info.remaining();
        }
    }

    private static String nextIndent(String partial) {
        String[] lines = partial.stripTrailing().split("\n");
        String last = lines[lines.length - 1];
        Matcher m = INDENT.matcher(last);
        String indent = m.find() ? m.group() : "";
        String code = last.strip();
        boolean opens = code.endsWith("{") || code.endsWith("(") || code.endsWith("[");
        return opens ? indent + "    " : indent;
    }

    private static int leadingWhitespace(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        return i;
    }

    private static int newlines(String text, int end) {
        int count = 0;
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') count++;
        }
        return count;
    }

    /** Hands JShell the one execution control this evaluator owns. */
    private record Provider(ExecutionControl control) implements ExecutionControlProvider {

        @Override
        public String name() {
            return "agentload";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return control;
        }
    }
}
