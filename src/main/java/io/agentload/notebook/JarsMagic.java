package io.agentload.notebook;

import org.dflib.jjava.jupyter.kernel.magic.LineMagic;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code %jars PATH...}, as in IJava: adds jar files to the class path. A path may be a glob ({@code lib/*.jar}) or
 * a directory, which stands for the jars in it.
 */
final class JarsMagic implements LineMagic<Void, NotebookKernel> {

    private final Path base;

    /** Relative paths are resolved against {@code base}, the notebook's directory in a running kernel. */
    JarsMagic(Path base) {
        this.base = base;
    }

    @Override
    public Void eval(NotebookKernel kernel, List<String> args) {
        if (args.isEmpty()) throw new NotebookException("name jar files, directories of jars or globs, e.g. %jars lib/*.jar");
        for (String arg : args) kernel.addToClasspath(ClasspathEntries.expand(arg, base, true));
        return null;
    }
}
