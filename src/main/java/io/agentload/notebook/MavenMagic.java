package io.agentload.notebook;

import org.dflib.jjava.jupyter.kernel.magic.LineMagic;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code %maven GROUP:ARTIFACT:VERSION...}, as in IJava: resolves the artifacts and their runtime dependencies from
 * Maven Central into {@code ~/.m2} (with the machine's Maven) and adds them to the class path.
 */
final class MavenMagic implements LineMagic<Void, NotebookKernel> {

    private final MavenResolver resolver;

    MavenMagic(MavenResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public Void eval(NotebookKernel kernel, List<String> args) {
        if (args.isEmpty()) throw new NotebookException("name artifacts, e.g. %maven org.hdrhistogram:HdrHistogram:2.2.2");
        List<Path> jars = resolver.resolve(args);
        kernel.addToClasspath(jars);
        System.out.println("Added " + jars.size() + (jars.size() == 1 ? " jar" : " jars") + " for " + String.join(" ", args));
        return null;
    }
}
