package io.agentload.notebook;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.kernel.util.TextColor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Jupyter kernel for Java: JShell runs each cell in this JVM, with agentload, Tablesaw and XChart on the class path
 * and imported, so a cell's last value can be a chart or a table that shows as a picture or as HTML. It speaks IJava's
 * dialect ({@code %jars}, {@code %classpath}, {@code %maven}, {@code display(...)}) and adds {@code %%time}.
 *
 * <pre>{@code
 * try (NotebookKernel kernel = NotebookKernel.create()) {
 *     DisplayData shown = kernel.eval("Table.create(\"t\", IntColumn.create(\"x\", 1, 2, 3))");
 * }
 * }</pre>
 * Jupyter starts it through {@code agentload kernel CONNECTION_FILE}, which calls {@link #run(Path)}.
 */
public final class NotebookKernel extends BaseKernel implements AutoCloseable {

    /** Imported in every notebook. */
    static final List<String> IMPORTS = List.of("java.io.*", "java.nio.file.*", "java.time.*", "java.util.*",
            "java.util.function.*", "java.util.stream.*", "tech.tablesaw.api.*", "org.knowm.xchart.*",
            "static io.agentload.notebook.NotebookKernel.display");
    /** agentload's feature packages, imported too when they are on the class path (they land one by one). */
    static final List<String> AGENTLOAD_PACKAGES = List.of("trajectory", "replay", "endpoint", "sim", "power",
            "analysis");

    private final Evaluator evaluator;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NotebookKernel(List<Path> classpath) {
        // No history manager, and no JJava magic parser: Cell splits magics from code itself.
        super("agentload", version(), languageInfo(), helpLinks(), null, new JupyterIO(StandardCharsets.UTF_8),
                new CommManager(), new Renderer(), null, new MagicsRegistry(), true, errorStyler());
        Path workingDirectory = Path.of("").toAbsolutePath();
        magicsRegistry.registerLineMagic("jars", new JarsMagic(workingDirectory));
        magicsRegistry.registerLineMagic("classpath", new ClasspathMagic(workingDirectory));
        magicsRegistry.registerLineMagic("maven", new MavenMagic(new MavenResolver("mvn")));
        magicsRegistry.registerCellMagic("time", new TimeMagic());
        installExtension(new Renderers());
        evaluator = new Evaluator(classpath);
        try {
            for (String name : imports()) evaluator.eval("import " + name + ";", 1);
        } catch (RuntimeException e) {
            evaluator.close();
            throw e;
        }
    }

    /** A kernel whose JShell compiles against this JVM's class path (agentload's jar when Jupyter starts it). */
    public static NotebookKernel create() {
        return create(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(Path::of)
                .toList());
    }

    /** A kernel whose JShell compiles against {@code classpath}; its classes must also be loadable by this JVM. */
    public static NotebookKernel create(List<Path> classpath) {
        return new NotebookKernel(classpath);
    }

    /** Serves the Jupyter session described by {@code connectionFile} until Jupyter shuts the kernel down. */
    public void run(Path connectionFile) {
        JupyterConnection connection;
        try {
            KernelConnectionProperties properties = KernelConnectionProperties.parse(Files.readString(connectionFile));
            connection = new JupyterConnection(properties);
        } catch (IOException e) {
            throw new NotebookException("cannot read the Jupyter connection file " + connectionFile + ": " + e, e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new NotebookException("bad Jupyter connection file " + connectionFile + ": " + e.getMessage(), e);
        }
        try {
            onStartup();
            becomeHandlerForConnection(connection);
            connection.connect();
            closeWhenJupyterExits(connection);
            connection.waitUntilClose();
        } finally {
            close();
        }
    }

    /** Shows {@code value} in the running cell's output now, rendered as a cell's last value would be. */
    public static void display(Object value) {
        Objects.requireNonNull(value, "display(null): nothing to show");
        BaseKernel kernel = BaseKernel.notebookKernel();
        kernel.display(kernel.getRenderer().render(value));
    }

    /** Runs a cell: its Java code with JShell and its magics, and returns the value of its last expression. */
    @Override
    public Object evalRaw(String cell) {
        evaluator.beginCell();
        try {
            return evalCell(cell, 1);
        } catch (NotebookException e) {
            // The message is the traceback a user needs; Jupyter's execute reply would list the kernel's own frames.
            e.setStackTrace(new StackTraceElement[0]);
            throw e;
        }
    }

    /** Runs {@code text}, which starts on {@code firstLine} of the current cell (cell magics run their body here). */
    Object evalCell(String text, int firstLine) {
        Optional<Cell.CellMagicCall> cellMagic = Cell.cellMagic(text);
        if (cellMagic.isPresent()) return runCellMagic(cellMagic.get(), firstLine);
        Object value = null;
        for (Cell.Part part : Cell.parts(text, firstLine)) {
            value = switch (part) {
                case Cell.Code code -> evaluator.eval(code.text(), code.firstLine());
                case Cell.MagicCall call -> runLineMagic(call);
            };
        }
        return value;
    }

    /** Adds jars or class directories to the class path that cells compile against and load from. */
    void addToClasspath(List<Path> entries) {
        entries.forEach(evaluator::addToClasspath);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        String documentation = evaluator.documentation(Cell.maskMagics(code), at);
        return documentation.isEmpty() ? null : new DisplayData(documentation);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int lineStart = code.lastIndexOf('\n', at - 1) + 1;
        String typed = code.substring(lineStart, at);
        if (typed.matches("%%?[\\w-]*")) {
            boolean cellMagic = typed.startsWith("%%");
            String prefix = typed.substring(cellMagic ? 2 : 1);
            TreeSet<String> names = new TreeSet<>(cellMagic ? magicsRegistry.getCellMagicNames()
                    : magicsRegistry.getLineMagicNames());
            List<String> matches = names.stream().filter(n -> n.startsWith(prefix)).toList();
            return new ReplacementOptions(matches, at - prefix.length(), at);
        }
        if (typed.startsWith("%")) return new ReplacementOptions(List.of(), at, at);
        return evaluator.complete(Cell.maskMagics(code), at);
    }

    @Override
    public String isComplete(String code) {
        return Cell.cellMagic(code).isPresent() ? IS_COMPLETE_YES : evaluator.isComplete(Cell.maskMagics(code));
    }

    /** Stops the running cell (Jupyter's interrupt): it fails with "interrupted" at the line it was running. */
    @Override
    public void interrupt() {
        evaluator.interrupt();
    }

    /** A cell's error as Jupyter shows it: our messages as they are, anything else with its stack trace. */
    @Override
    public List<String> formatError(Throwable e) {
        if (!(e instanceof NotebookException)) return super.formatError(e);
        List<String> lines = new ArrayList<>(StringStyler.splitLines(Objects.toString(e.getMessage(), "")));
        if (!lines.isEmpty()) lines.set(0, errorStyler.secondary(lines.get(0)));
        return lines;
    }

    /** Jupyter shuts the kernel down (a restart starts a new process): the same as {@link #close()}. */
    @Override
    public void onShutdown(boolean isRestarting) {
        close();
    }

    /** Closes JShell and uninstalls the extensions; the kernel cannot run cells afterwards. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                super.onShutdown(false);
            } finally {
                evaluator.close();
            }
        }
    }

    private Object runLineMagic(Cell.MagicCall call) {
        if (!magicsRegistry.getLineMagicNames().contains(call.name())) {
            throw new NotebookException("line " + call.line() + ": unknown magic %" + call.name() + " (this kernel has "
                    + known() + ")");
        }
        try {
            return magicsRegistry.evalLineMagic(this, call.name(), call.args());
        } catch (Exception e) {
            throw new NotebookException("line " + call.line() + ": %" + call.name() + ": " + message(e), e);
        }
    }

    private Object runCellMagic(Cell.CellMagicCall call, int line) {
        if (!magicsRegistry.getCellMagicNames().contains(call.name())) {
            throw new NotebookException("line " + line + ": unknown cell magic %%" + call.name() + " (this kernel has "
                    + known() + ")");
        }
        try {
            return magicsRegistry.evalCellMagic(this, call.name(), call.args(), call.body());
        } catch (NotebookException e) {
            // The body's own errors already name their lines.
            throw e;
        } catch (Exception e) {
            throw new NotebookException("line " + line + ": %%" + call.name() + ": " + message(e), e);
        }
    }

    private String known() {
        List<String> names = new ArrayList<>();
        new TreeSet<>(magicsRegistry.getLineMagicNames()).forEach(n -> names.add("%" + n));
        new TreeSet<>(magicsRegistry.getCellMagicNames()).forEach(n -> names.add("%%" + n));
        return String.join(", ", names);
    }

    private static String message(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
    }

    /** Jupyter names its process in JPY_PARENT_PID; once it is gone no one can reach or stop the kernel, so it ends. */
    private static void closeWhenJupyterExits(JupyterConnection connection) {
        String parent = System.getenv("JPY_PARENT_PID");
        if (parent == null || !parent.matches("\\d{1,18}")) return;
        ProcessHandle.of(Long.parseLong(parent)).ifPresent(jupyter -> jupyter.onExit().thenRun(connection::close));
    }

    private static List<String> imports() {
        List<String> imports = new ArrayList<>(IMPORTS);
        ClassLoader loader = NotebookKernel.class.getClassLoader();
        for (String name : AGENTLOAD_PACKAGES) {
            if (loader.getResource("io/agentload/" + name) != null) imports.add("io.agentload." + name + ".*");
        }
        return imports;
    }

    private static String version() {
        String version = NotebookKernel.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("text/x-java")
                .build();
    }

    private static List<HelpLink> helpLinks() {
        return List.of(
                new HelpLink("Java API", "https://docs.oracle.com/en/java/javase/21/docs/api/"),
                new HelpLink("Tablesaw", "https://jtablesaw.github.io/tablesaw/"),
                new HelpLink("XChart", "https://knowm.org/open-source/xchart/"));
    }

    private static StringStyler errorStyler() {
        return new StringStyler.Builder()
                .addPrimaryStyle(TextColor.BOLD_RESET_FG)
                .addSecondaryStyle(TextColor.BOLD_RED_FG)
                .addHighlightStyle(TextColor.BOLD_RESET_FG)
                .addHighlightStyle(TextColor.RED_BG)
                .build();
    }
}
