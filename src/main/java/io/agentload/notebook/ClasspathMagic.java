package io.agentload.notebook;

import org.dflib.jjava.jupyter.kernel.magic.LineMagic;

import java.nio.file.Path;
import java.util.List;

/** {@code %classpath PATH...}, as in IJava: adds jar files or directories of class files (globs allowed) to the class path. */
final class ClasspathMagic implements LineMagic<Void, NotebookKernel> {

    private final Path base;

    /** Relative paths are resolved against {@code base}, the notebook's directory in a running kernel. */
    ClasspathMagic(Path base) {
        this.base = base;
    }

    @Override
    public Void eval(NotebookKernel kernel, List<String> args) {
        if (args.isEmpty()) throw new NotebookException("name jar files, class directories or globs, e.g. %classpath build/classes");
        for (String arg : args) kernel.addToClasspath(ClasspathEntries.expand(arg, base, false));
        return null;
    }
}
