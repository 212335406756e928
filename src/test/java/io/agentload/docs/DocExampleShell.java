package io.agentload.docs;

import io.agentload.notebook.NotebookKernel;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs one Markdown file's examples as notebook cells, in order, on one agentload kernel, in this process's working
 * directory (a fresh one per file, started by {@link DocExamplesTest}). Each argument is {@code run:FILE} or
 * {@code compile:FILE}, FILE holding one block's code; a compile-only block becomes the body of a method that is
 * declared, so JShell checks every name and type in it, and never called. On the first block that fails this prints
 * {@value #FAILED} with the block's index and the kernel's message, and exits 1.
 */
final class DocExampleShell {

    static final String FAILED = "EXAMPLE FAILED ";
    static final String DONE = "EXAMPLE DONE ";
    /** Lines the method wrapper puts before a compile-only block's code. */
    static final int WRAPPER_LINES = 1;

    private DocExampleShell() {
    }

    public static void main(String[] args) throws Exception {
        try (NotebookKernel kernel = NotebookKernel.create()) {
            for (int i = 0; i < args.length; i++) {
                boolean compileOnly = args[i].startsWith("compile:");
                String code = Files.readString(Path.of(args[i].substring(args[i].indexOf(':') + 1)));
                long start = System.nanoTime();
                long cpuStart = cpuNanos();
                try {
                    if (compileOnly) compile(kernel, "noRunExample" + i, code);
                    else kernel.evalRaw(code);
                } catch (RuntimeException | Error e) {
                    System.out.println(FAILED + i);
                    System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
                    System.out.flush();
                    System.exit(1);
                }
                // CPU time too: on a shared machine it says what a block costs better than the wall clock.
                System.out.printf("%s%d %,d ms (%,d ms CPU)%n", DONE, i, (System.nanoTime() - start) / 1_000_000,
                        (cpuNanos() - cpuStart) / 1_000_000);
            }
        }
        System.exit(0);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Declares {@code code} as a method body; a name JShell cannot resolve there is only a note, so it fails here. */
    private static void compile(NotebookKernel kernel, String method, String code) {
        PrintStream err = System.err;
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(notes, true, StandardCharsets.UTF_8));
        try {
            kernel.evalRaw("void " + method + "() throws Exception {\n" + code + "\n}");
        } finally {
            System.setErr(err);
        }
        String note = notes.toString(StandardCharsets.UTF_8).strip();
        if (!note.isEmpty()) throw new IllegalStateException(note);
    }
}
