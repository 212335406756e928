package io.agentload.notebook;

import org.dflib.jjava.jupyter.kernel.magic.CellMagic;

import java.util.List;
import java.util.Locale;

/** {@code %%time}, as in IPython: runs the rest of the cell and prints how long it took (wall-clock time). */
final class TimeMagic implements CellMagic<Object, NotebookKernel> {

    @Override
    public Object eval(NotebookKernel kernel, List<String> args, String body) {
        if (!args.isEmpty()) throw new NotebookException("%%time takes no arguments, got " + String.join(" ", args));
        long start = System.nanoTime();
        try {
            return kernel.evalCell(body, 2);
        } finally {
            System.out.println("Wall time: " + format(System.nanoTime() - start));
        }
    }

    static String format(long nanos) {
        double seconds = nanos / 1e9;
        if (seconds >= 1) return String.format(Locale.ROOT, "%.2f s", seconds);
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
