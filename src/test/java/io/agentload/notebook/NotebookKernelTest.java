package io.agentload.notebook;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel's evaluation driven in-process, without Jupyter: one kernel, cells in order as in a notebook. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebookKernelTest {

    private NotebookKernel kernel;

    @BeforeAll
    void start() {
        kernel = NotebookKernel.create();
    }

    @AfterAll
    void stop() {
        kernel.close();
    }

    private String error(String cell) {
        return assertThrows(NotebookException.class, () -> kernel.evalRaw(cell)).getMessage();
    }

    @Test
    void lastExpressionIsTheCellsValue() {
        assertEquals(3, kernel.evalRaw("1 + 2"));
        assertEquals("ab", kernel.evalRaw("\"a\" + \"b\""));
        assertEquals(7, kernel.evalRaw("int a = 3;\nint b = 4;\na + b"));
        assertEquals(12, kernel.evalRaw("a * b"), "variables live on in later cells");
    }

    @Test
    void declarationsStatementsAndVoidCallsShowNothing() {
        assertNull(kernel.evalRaw("int declared = 5;"));
        assertNull(kernel.evalRaw("declared = 6"));
        assertNull(kernel.evalRaw("if (declared > 0) { declared++; }"));
        assertNull(kernel.evalRaw("java.util.Collections.emptyList().clear()"));
        assertEquals(7, kernel.evalRaw("declared"));
    }

    @Test
    void valuesStayObjectsSoTheyRender() {
        Object chart = kernel.evalRaw("var c = new XYChartBuilder().width(320).height(200).build();\n"
                + "c.addSeries(\"y\", new double[] {1, 2, 3}, new double[] {1, 4, 9});\nc");
        assertInstanceOf(XYChart.class, chart);
        DisplayData table = kernel.eval("Table.create(\"t\", IntColumn.create(\"x\", 1, 2, 3))");
        assertTrue(((String) table.getData(MIMEType.TEXT_HTML)).contains("<th>x</th>"));
        assertTrue(kernel.eval("c").hasDataForType(MIMEType.IMAGE_PNG));
    }

    @Test
    void defaultImportsCoverTablesawXChartAndAgentload() {
        assertInstanceOf(Table.class, kernel.evalRaw("Table.create(\"empty\")"));
        assertEquals("Turn", kernel.evalRaw("Turn.class.getSimpleName()"));
        assertEquals(java.util.List.of(1, 2), kernel.evalRaw("List.of(1, 2)"));
        assertEquals("BitmapEncoder", kernel.evalRaw("BitmapEncoder.class.getSimpleName()"));
    }

    @Test
    void printedOutputGoesToSystemOut() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            kernel.evalRaw("for (int i = 0; i < 3; i++) System.out.println(\"line \" + i);");
        } finally {
            System.setOut(original);
        }
        assertEquals("line 0\nline 1\nline 2\n", captured.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    @Test
    void compileErrorNamesTheCellLineAndPointsAtTheSymbol() {
        String message = error("int ok = 1;\n\nint bad = missing + 1;");
        assertEquals("""
                line 3: cannot find symbol
                    int bad = missing + 1;
                              ^^^^^^^
                  symbol:   variable missing""", message);
    }

    @Test
    void compileErrorLinesCountFromTheCellStartPastCommentsAndBlankLines() {
        String message = error("// a comment\n\n\n   String s = 42;");
        assertTrue(message.startsWith("line 4: incompatible types: int cannot be converted to java.lang.String"), message);
    }

    @Test
    void exceptionShowsTheFailingLinesOfUserCodeOnly() {
        String message = error("int divide(int y) {\n  return 10 / y;\n}\nint one = 1;\ndivide(one - 1)");
        assertEquals("""
                java.lang.ArithmeticException: / by zero
                    at divide (line 2): return 10 / y;
                    at line 5: divide(one - 1)""", message);
    }

    @Test
    void exceptionInAMethodFromAnEarlierCellNamesThatCell() {
        try (NotebookKernel fresh = NotebookKernel.create()) {
            fresh.evalRaw("int unused = 0;");
            fresh.evalRaw("String shout(String s) {\n  return s.toUpperCase();\n}");
            String message = assertThrows(NotebookException.class,
                    () -> fresh.evalRaw("String nothing = null;\nshout(nothing)")).getMessage();
            assertTrue(message.startsWith("java.lang.NullPointerException"), message);
            assertTrue(message.contains("\n    at shout (cell [2], line 2): return s.toUpperCase();\n"), message);
            assertTrue(message.endsWith("\n    at line 2: shout(nothing)"), message);
        }
    }

    @Test
    void libraryFramesAreKeptAboveUserCodeAndJShellsAreDropped() {
        String message = error("java.util.Objects.requireNonNull(null, \"no value\");");
        assertTrue(message.startsWith("java.lang.NullPointerException: no value\n    at java.base/java.util.Objects.requireNonNull("),
                message);
        assertTrue(message.endsWith("    at line 1: java.util.Objects.requireNonNull(null, \"no value\");"), message);
        assertFalse(message.contains("jdk.jshell") || message.contains("reflect"), message);
    }

    @Test
    void causesAreListed() {
        String message = error("throw new RuntimeException(\"outer\", new IllegalStateException(\"inner\"));");
        assertTrue(message.startsWith("java.lang.RuntimeException: outer\n    at line 1:"), message);
        assertTrue(message.contains("\nCaused by: java.lang.IllegalStateException: inner\n    at line 1:"), message);
    }

    @Test
    void laterSnippetsDoNotRunAfterAnError() {
        kernel.evalRaw("int counter = 0;");
        error("counter++;\nint x = 1 / 0;\ncounter++;");
        assertEquals(1, kernel.evalRaw("counter"));
    }

    @Test
    void incompleteCodeIsACompileErrorAtItsLine() {
        String message = error("int fine = 1;\nfor (int i = 0; i < 2; i++) {");
        assertTrue(message.startsWith("line 2: reached end of file while parsing"), message);
    }

    @Test
    void aBadConnectionFileIsNamedAndTheKernelStaysUsable(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("connection.json"), "{ not json");
        String message = assertThrows(NotebookException.class, () -> kernel.run(file)).getMessage();
        assertTrue(message.startsWith("bad Jupyter connection file " + file + ": "), message);
        assertEquals(4, kernel.evalRaw("2 + 2"));
    }

    @Test
    void unparseableCodeIsACompileErrorAtItsLine() {
        String message = error("int fine = 2;\nint broken = ;");
        assertTrue(message.startsWith("line 2: illegal start of expression\n    int broken = ;\n                 ^"), message);
    }

    @Test
    void completesMembersAndTypes() {
        kernel.evalRaw("String word = \"hi\";");
        ReplacementOptions members = kernel.complete("word.toUpp", 10);
        assertTrue(members.getReplacements().contains("toUpperCase("), members.getReplacements().toString());
        assertEquals(5, members.getSourceStart());
        assertEquals(10, members.getSourceEnd());
        ReplacementOptions types = kernel.complete("int n = 1;\nXYChartBui", 21);
        assertTrue(types.getReplacements().contains("XYChartBuilder"), types.getReplacements().toString());
        assertEquals(11, types.getSourceStart());
    }

    @Test
    void completesMagicNames() {
        ReplacementOptions magics = kernel.complete("%ja", 3);
        assertEquals(java.util.List.of("jars"), magics.getReplacements());
        assertEquals(1, magics.getSourceStart());
        assertEquals(java.util.List.of("time"), kernel.complete("%%t", 3).getReplacements());
        assertEquals(java.util.List.of(), kernel.complete("%jars li", 8).getReplacements(), "no Java inside a magic");
    }

    @Test
    void inspectShowsSignatures() {
        DisplayData doc = kernel.inspect("Math.max(", 9, false);
        assertTrue(((String) doc.getData(MIMEType.TEXT_PLAIN)).contains("int Math.max(int a, int b)"),
                String.valueOf(doc.getData(MIMEType.TEXT_PLAIN)));
    }

    @Test
    void isCompleteAsksForMoreOnlyWhenCodeIsUnfinished() {
        assertEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("int x = 1;"));
        assertEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("%jars lib/*.jar\nint y = 2;"));
        assertEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("%%time\nfor (;;) {"));
        assertEquals("    ", kernel.isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("        ", kernel.isComplete("void f() {\n    if (true) {"));
        assertEquals(BaseKernel.IS_COMPLETE_BAD, kernel.isComplete("int x = ;"));
    }

    /** Runs {@code cell} (which sets the system property {@code key} once it runs), interrupts it, returns the error. */
    private String interrupted(String key, String cell) throws Exception {
        System.clearProperty(key);
        CompletableFuture<String> failure = CompletableFuture.supplyAsync(() -> error(cell));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.getProperty(key) == null && System.nanoTime() < deadline) Thread.sleep(10);
        Thread.sleep(100);
        kernel.interrupt();
        return failure.get(10, TimeUnit.SECONDS);
    }

    @Test
    void interruptStopsABusyLoop() throws Exception {
        // The loop itself signals that it runs, so the interrupt cannot land on an earlier line (it did under load).
        String loop = "while (true) { if (spins++ == 0) System.setProperty(\"agentload.test.loop\", \"running\"); }";
        String message = interrupted("agentload.test.loop", "long spins = 0;\n" + loop);
        assertEquals("line 2: interrupted\n    " + loop, message);
        assertEquals(2, kernel.evalRaw("1 + 1"), "the kernel runs cells after an interrupt");
    }

    @Test
    void interruptStopsASleep() throws Exception {
        String message = interrupted("agentload.test.sleep",
                "System.setProperty(\"agentload.test.sleep\", \"running\");\nThread.sleep(60_000);");
        assertEquals("line 2: interrupted\n    Thread.sleep(60_000);", message);
    }

    @Test
    void anInterruptWhileIdleDoesNotStopTheNextCell() {
        kernel.interrupt();
        assertEquals(5, kernel.evalRaw("2 + 3"));
    }

    @Test
    void unknownMagicNamesTheKnownOnes() {
        assertEquals("line 2: unknown magic %nope (this kernel has %classpath, %jars, %maven, %%time)",
                error("int z = 1;\n%nope x"));
    }

    @Test
    void timeMagicPrintsWallTimeAndKeepsTheValueAndLineNumbers() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(42, kernel.evalRaw("%%time\nThread.sleep(20);\n40 + 2"));
            assertTrue(error("%%time\nint t = 1;\nint u = nope;").startsWith("line 3: cannot find symbol"));
        } finally {
            System.setOut(original);
        }
        assertTrue(captured.toString(StandardCharsets.UTF_8).matches("(?s)Wall time: \\d+\\.\\d ms\\R.*"),
                captured.toString(StandardCharsets.UTF_8));
    }
}
